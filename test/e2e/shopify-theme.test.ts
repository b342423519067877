import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { Liquid } from 'liquidjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../tools/chromium';
import { CART_JS, COMPLETED_CHECKOUT, PRODUCT_PAGE } from '../fixtures/shopify';
import { purchaseOf } from '../../src/shopify/map';
import { pendingPurchaseKey } from '../../src/shopify/storefront';
import type { ShopifyCart, ShopifyCartItem } from '../../src/shopify/shapes';

/*
 * The Shopify theme app extension (extensions/vitrine). Its app embed block passes Shopify's
 * theme-check and pastes the loader snippet as built. Then the block, rendered by a Liquid
 * engine (liquidjs) with the objects Shopify documents, runs on a stand-in storefront in
 * Chromium: the SDK's files from another origin (as from Shopify's CDN), the Ajax Cart API
 * (`/cart.js`, `/cart/add.js`) and the Customer Privacy API in the shapes Shopify documents.
 * What only a real store can show (Shopify's CDN, its privacy banner, a Web Pixel on a real
 * checkout) is listed in docs/SHOPIFY.md.
 */

const EXTENSION = join(process.cwd(), 'extensions/vitrine');
const BLOCK = readFileSync(join(EXTENSION, 'blocks/vitrine.liquid'), 'utf8');
const SITE = 'roastery';
const folders: string[] = [];

/** Runs theme-check on a folder, offline. */
function themeCheck(root: string): { context: string; files: string[]; offenses: { check: string; message: string; line: number }[] } {
  const out = execFileSync(process.execPath, ['--require', join(process.cwd(), 'test/loopback-only.cjs'), join(process.cwd(), 'test/theme-check.mjs'), root], { encoding: 'utf8' });
  return JSON.parse(out);
}

describe('the app embed block', () => {
  it('passes Shopify’s theme-check, which does find a mistake in it', () => {
    expect(themeCheck(EXTENSION)).toEqual({ context: 'app', files: ['blocks/vitrine.liquid'], offenses: [] });
    const broken = mkdtempSync(join(tmpdir(), 'vitrine-theme-'));
    folders.push(broken);
    cpSync(EXTENSION, broken, { recursive: true });
    writeFileSync(join(broken, 'blocks/vitrine.liquid'), BLOCK.replace("'vitrine-shopify.js' | asset_url", "'vitrine-shopify.js' | asset_ur1"));
    expect(themeCheck(broken).offenses.map((o) => o.check)).toContain('UnknownFilter');
  });

  it('pastes the loader snippet as built, loading the extension’s own vitrine.js', () => {
    const snippet = readFileSync(join(process.cwd(), 'dist/snippet.min.js'), 'utf8').trim();
    expect(BLOCK).toContain(snippet.replace('"/vitrine/vitrine.js"', "{{ 'vitrine.js' | asset_url | json }}"));
  });
});

/** The block as Shopify renders it on a product page: liquidjs, Shopify's filters asset_url and json, and the documented objects. */
async function renderBlock(cdn: string, settings: Record<string, string>): Promise<string> {
  const liquid = new Liquid();
  liquid.registerFilter('asset_url', (file: string) => `${cdn}/${file}`);
  liquid.registerFilter('json', (value: unknown) => JSON.stringify(value ?? null));
  const product = PRODUCT_PAGE.product!;
  const variant = { id: product.variantId, sku: product.sku, price: product.price };
  return liquid.parseAndRender(BLOCK.replace(/{% schema %}[\s\S]*{% endschema %}/, ''), {
    block: { settings },
    request: { page_type: 'product' },
    routes: { root_url: '/' },
    cart: { currency: { iso_code: 'EUR' } },
    product: { title: product.title, type: product.type, vendor: product.vendor, collections: product.collections.map((handle) => ({ handle })), selected_or_first_available_variant: variant },
    collection: null,
    search: { performed: false },
  });
}

/** The Customer Privacy API as Shopify documents it, with no banner answered yet; `setTrackingConsent` answers it. */
const CUSTOMER_PRIVACY = `
  (function () {
    var given = { marketing: '', analytics: '', preferences: '', sale_of_data: '' };
    var yes = function (k) { return function () { return given[k] === 'yes'; }; };
    window.Shopify = window.Shopify || {};
    window.Shopify.customerPrivacy = {
      currentVisitorConsent: function () { return Object.assign({}, given); },
      shouldShowBanner: function () { return given.analytics === ''; },
      marketingAllowed: yes('marketing'), analyticsProcessingAllowed: yes('analytics'),
      preferencesProcessingAllowed: yes('preferences'), saleOfDataAllowed: function () { return given.sale_of_data !== 'no'; },
      setTrackingConsent: function (c, done) {
        ['marketing', 'analytics', 'preferences', 'sale_of_data'].forEach(function (k) { if (k in c) given[k] = c[k] ? 'yes' : 'no'; });
        document.dispatchEvent(new CustomEvent('visitorConsentCollected', { detail: { marketingAllowed: given.marketing === 'yes', analyticsAllowed: given.analytics === 'yes', preferencesAllowed: given.preferences === 'yes', saleOfDataAllowed: given.sale_of_data !== 'no' } }));
        if (done) done();
      }
    };
  })();`;

/** A catalog for the stand-in roastery: offers on product pages, by the categories the mapping makes. */
const CATALOG = {
  version: '2026-12-07.1',
  siteId: SITE,
  settings: { exploration: 0, diversity: 0, attributionWindowHours: 24 },
  offers: [
    { id: 'grinder', slot: 'product', categories: ['single-origin-coffee'], content: { title: 'A burr grinder' }, weights: { affinity: 2, pageMatch: 2 }, priority: 5 },
    { id: 'filters', slot: 'product', categories: ['brewing-gear'], content: { title: 'Paper filters' }, priority: 1 },
  ],
};

async function listen(app: Hono): Promise<{ origin: string; stop(): Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('the block on a stand-in storefront, in Chromium', () => {
  let shop: Awaited<ReturnType<typeof listen>>;
  let cdn: Awaited<ReturnType<typeof listen>>;
  let browser: Browser;
  let cart: ShopifyCart;

  beforeAll(async () => {
    cart = { ...CART_JS, items: [] };
    // Shopify's CDN: the extension's assets, and (standing in for the merchant's collector) the catalog.
    const files = new Hono();
    files.get('/v1/catalog', (c) => c.json(CATALOG, 200, { 'Access-Control-Allow-Origin': '*' }));
    files.get('/:file', (c) => c.body(readFileSync(join(EXTENSION, 'assets', c.req.param('file').replace(/[^\w.-]/g, ''))), 200, { 'Content-Type': 'text/javascript' }));
    cdn = await listen(files);
    const page = await renderBlock(cdn.origin, { site_id: SITE, catalog_url: `${cdn.origin}/v1/catalog`, collector_url: '', categories: 'type' });
    const store = new Hono();
    store.get('/products/ethiopian-yirgacheffe', (c) =>
      c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ethiopian Yirgacheffe</title><link rel="icon" href="data:,">
<script>${CUSTOMER_PRIVACY}</script>
${page}
<script>vitrine('ready', function (v) { window.shopReady = v; });</script></head>
<body><h1>Ethiopian Yirgacheffe</h1>
<button type="button" id="add">Add to cart</button>
<script>document.getElementById('add').onclick = function () {
  fetch('/cart/add.js', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ items: [{ id: ${PRODUCT_PAGE.product!.variantId}, quantity: 1 }] }) });
};</script></body></html>`),
    );
    store.get('/cart.js', (c) => c.json(cart));
    store.post('/cart/add.js', async (c) => {
      const { items } = (await c.req.json()) as { items: { id: number; quantity: number }[] };
      for (const { id, quantity } of items) {
        const line = cart.items.find((l) => l.variant_id === id);
        if (line) line.quantity += quantity;
        else cart.items.push({ ...(CART_JS.items.find((l) => l.variant_id === id) as ShopifyCartItem), quantity });
      }
      cart.item_count = cart.items.reduce((n, l) => n + l.quantity, 0);
      return c.json({ items });
    });
    shop = await listen(store);
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await shop?.stop();
    await cdn?.stop();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  type ShopWindow = Window & { shopReady?: import('vitrine').Vitrine; Shopify: { customerPrivacy: { setTrackingConsent(c: Record<string, boolean>): void } } };
  const ready = (page: Page) => page.waitForFunction(() => !!(window as unknown as ShopWindow).shopReady, undefined, { timeout: 15_000 });
  const vitrineCart = (page: Page) => page.evaluate(async () => (await (window as unknown as ShopWindow).shopReady!.cart.get()).items.map((i) => [i.sku, i.qty]));

  it('waits for the shopper’s answer, then tracks the product, mirrors the theme’s cart and credits a purchase the pixel left', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${shop.origin}/products/ethiopian-yirgacheffe`);
    await ready(page);
    // No answer in Shopify's banner yet: undecided, nothing on the device.
    expect(await page.evaluate(() => (window as unknown as ShopWindow).shopReady!.state().consent.decided)).toBe(false);
    expect(await page.evaluate(async () => (await indexedDB.databases()).length)).toBe(0);

    await page.evaluate(() => (window as unknown as ShopWindow).Shopify.customerPrivacy.setTrackingConsent({ analytics: true, marketing: true, preferences: true }));
    await expect
      .poll(() => page.evaluate(() => (window as unknown as ShopWindow).shopReady!.state().consent.purposes), { timeout: 15_000 })
      .toEqual({ necessary: true, functional: true, personalization: true, measurement: true });
    // The product page's view, tracked as the page started, counts once the shopper agreed.
    await expect
      .poll(() => page.evaluate(async () => (await (window as unknown as ShopWindow).shopReady!.privacy.interests()).map((i) => i.category)), { timeout: 15_000 })
      .toContain('single-origin-coffee');

    // The theme adds to its cart; Vitrine's cart follows.
    await page.click('#add');
    await expect.poll(() => vitrineCart(page), { timeout: 15_000 }).toEqual([['CF-ETH-250', 1]]);
    await page.click('#add');
    await expect.poll(() => vitrineCart(page), { timeout: 15_000 }).toEqual([['CF-ETH-250', 2]]);

    // What the Web Pixel leaves at checkout (docs/SHOPIFY.md) is tracked on the next storefront page, once.
    await page.evaluate(([key, purchase]) => localStorage.setItem(key, purchase), [pendingPurchaseKey(SITE), JSON.stringify(purchaseOf(COMPLETED_CHECKOUT))] as const);
    await page.reload();
    await ready(page);
    expect(await page.evaluate((key) => localStorage.getItem(key), pendingPurchaseKey(SITE))).toBeNull();
    await expect
      .poll(async () => page.evaluate(async () => JSON.stringify((await (window as unknown as ShopWindow).shopReady!.privacy.export()).stores)), { timeout: 15_000 })
      .toContain('"orderId":"5512345678901"');
    expect(errors).toEqual([]);
    await context.close();
  });
});
