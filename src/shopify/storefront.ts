import type { Vitrine } from '../api';
import type { CartItem } from '../protocol/cart';
import { logError } from '../protocol/errors';
import { inStorage, pageKey } from '../page-storage';
import { cartItemsOf, pageSignal, type CategorySource } from './map';
import type { ShopifyCart, ShopifyPage } from './shapes';

/*
 * Vitrine on a Shopify storefront: the page's product, collection or search is tracked; the
 * theme's cart (the Ajax Cart API's `/cart.js`, the truth on Shopify) is mirrored into
 * Vitrine's cart at start and after each change the theme makes (`/cart/add.js`, `change.js`,
 * `update.js`, `clear.js`, seen as they complete); a purchase the Web Pixel left at checkout is
 * tracked on the next storefront page. Consent is the `shopify` adapter's (Customer Privacy API).
 */

/** Where the Web Pixel leaves a completed checkout for the storefront (docs/SHOPIFY.md). */
export const pendingPurchaseKey = (siteId: string): string => pageKey(siteId, 'shopify-purchase');

/** The theme's cart requests that change the cart. */
const CART_CHANGE = /\/cart\/(?:add|change|update|clear)(?:\.js)?(?:\?|$)/;

/** Options of {@link connectShopify}. */
export interface ShopifyOptions {
  /** Where a product's category comes from. Default `type`. */
  categories?: CategorySource;
  /** The shop's root (`window.Shopify.routes.root`, for shops in several languages). Default `/`. */
  root?: string;
}

/** Makes Vitrine's cart hold the theme's lines: adds, changes and removes what differs. */
async function mirror(v: Vitrine, items: CartItem[]): Promise<void> {
  const now = await v.cart.get();
  const wanted = new Map(items.map((item) => [item.sku, item]));
  for (const line of now.items) if (!wanted.has(line.sku)) await v.cart.remove(line.sku);
  for (const item of items) {
    const line = now.items.find((l) => l.sku === item.sku);
    if (!line) await v.cart.add(item);
    else if (line.qty !== item.qty) await v.cart.update(item.sku, item.qty);
  }
}

/**
 * Connects a running SDK to the storefront.
 * @param page what the theme app embed block wrote in the page
 * @returns a function that stops watching the cart
 */
export function connectShopify(v: Vitrine, siteId: string, page: ShopifyPage, options: ShopifyOptions = {}): () => void {
  const signal = pageSignal(page, options.categories);
  if (signal) v.track(signal[0], signal[1] as never);

  // Taken once: read and removed together.
  const purchase = inStorage('localStorage', (s) => {
    const left = s.getItem(pendingPurchaseKey(siteId));
    s.removeItem(pendingPurchaseKey(siteId));
    return left;
  });
  if (purchase) {
    try {
      v.track('purchase', JSON.parse(purchase));
    } catch (error) {
      logError(error);
    }
  }

  const cartUrl = `${options.root ?? '/'}cart.js`.replace(/\/{2,}/g, '/');
  let syncing = Promise.resolve();
  const sync = () =>
    (syncing = syncing
      .then(async () => {
        const answer = await fetch(cartUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
        if (!answer.ok) throw new Error(`${cartUrl} answered ${answer.status}`);
        await mirror(v, cartItemsOf((await answer.json()) as ShopifyCart));
      })
      .catch(logError));
  void sync();
  if (typeof PerformanceObserver !== 'function') return () => undefined;
  const observer = new PerformanceObserver((list) => {
    if (list.getEntries().some((entry) => CART_CHANGE.test(`${new URL(entry.name, location.href).pathname}?`))) void sync();
  });
  observer.observe({ type: 'resource' });
  return () => observer.disconnect();
}
