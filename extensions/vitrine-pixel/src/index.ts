import { register } from '@shopify/web-pixels-extension';
import { pendingPurchaseKey, purchaseOf, type PixelCheckout } from 'vitrine/shopify';

// A Web Pixel runs sandboxed (a Web Worker here, runtime_context "strict"): no DOM, none of the
// shop's IndexedDB, so Vitrine's engine, which holds the offers the shopper saw, cannot run in
// it. It leaves the completed checkout, as Vitrine's purchase, in the shop's own localStorage
// (`browser.localStorage` runs in the top frame), where vitrine-shopify.js tracks it, once, on
// the shopper's next storefront page, and the engine credits the offers seen before it.
register(({ analytics, browser, settings }) => {
  const siteId = String(settings.siteId ?? '');
  if (!siteId) return;
  analytics.subscribe('checkout_completed', (event) => {
    const checkout = event.data.checkout as unknown as PixelCheckout;
    void browser.localStorage.setItem(pendingPurchaseKey(siteId), JSON.stringify(purchaseOf(checkout)));
  });
});
