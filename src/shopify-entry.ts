/*
 * Entry of dist/vitrine-shopify.js, loaded by the theme app embed block
 * (extensions/vitrine/blocks/vitrine.liquid) after the loader snippet: once the SDK is ready, it
 * connects it to the storefront (src/shopify/storefront.ts) from what the block wrote in the
 * page (`<script type="application/json" id="vitrine-shopify">`).
 */
import { logError } from './protocol/errors';
import { connectShopify } from './shopify/storefront';
import type { Vitrine } from './api';
import type { ShopifyPage } from './shopify/shapes';

type Stub = (...args: unknown[]) => unknown;

try {
  const data = document.getElementById('vitrine-shopify')?.textContent;
  if (!data) throw new Error('vitrine-shopify.js: the page has no <script id="vitrine-shopify"> (is the Vitrine app embed on?)');
  const { siteId, page, categories, root } = JSON.parse(data) as { siteId: string; page: ShopifyPage; categories?: 'type' | 'collection'; root?: string };
  (window as unknown as { vitrine: Stub }).vitrine('ready', (v: Vitrine) => connectShopify(v, siteId, page, { ...(categories ? { categories } : {}), ...(root ? { root } : {}) }));
} catch (error) {
  logError(error);
}
