/**
 * `vitrine/shopify`: Vitrine on a Shopify storefront. The theme app embed block
 * (extensions/vitrine) loads `vitrine-shopify.js`, which calls {@link connectShopify}; a Web
 * Pixel uses {@link purchaseOf} and {@link pendingPurchaseKey} (docs/SHOPIFY.md).
 */
export { cartItemsOf, pageSignal, purchaseOf, skuOf, slugOf, type CategorySource, type TrackCall } from './map';
export { connectShopify, pendingPurchaseKey, type ShopifyOptions } from './storefront';
export type { PixelCheckout, PixelLineItem, PixelMoney, ShopifyCart, ShopifyCartItem, ShopifyPage } from './shapes';
