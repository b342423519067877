import type { CartItem } from '../protocol/cart';
import type { PurchaseItem, TrackPayloads, TrackType } from '../protocol/events';
import type { PixelCheckout, ShopifyCart, ShopifyPage } from './shapes';

/*
 * Shopify's storefront in Vitrine's words: what a page tells (a product, a collection or a
 * search viewed), the cart's lines, and a completed checkout as a purchase. Pure functions of
 * the shapes Shopify documents (./shapes.ts).
 */

/** Where a product's category comes from: its product type (default), or its first collection. */
export type CategorySource = 'type' | 'collection';

/** A category as Vitrine's catalogs name them: lower case, words joined by `-` ("Pour Over" → "pour-over"). */
export const slugOf = (text: string): string =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100);

/** The SKU Vitrine keys a line by: the merchant's, else the variant's id (many shops set no SKU). */
export const skuOf = (sku: string | null | undefined, variantId: number | string): string =>
  sku?.trim() ? sku.trim() : `variant-${String(variantId).replace(/^gid:\/\/shopify\/ProductVariant\//, '')}`;

const UNCATEGORIZED = 'uncategorized';

/** A call of `v.track`. */
export type TrackCall = { [T in TrackType]: [T, TrackPayloads[T]] }[TrackType];

/**
 * What a page tells Vitrine: a product page its product, a collection page its collection, a
 * search page its search terms; any other page nothing.
 * @param categories where a product's category comes from
 */
export function pageSignal(page: ShopifyPage, categories: CategorySource = 'type'): TrackCall | null {
  const { product, collection, search } = page;
  if (page.pageType === 'product' && product) {
    const category = slugOf(categories === 'collection' ? (product.collections[0] ?? '') : product.type) || UNCATEGORIZED;
    return [
      'product_view',
      {
        sku: skuOf(product.sku, product.variantId),
        category,
        name: product.title.slice(0, 200),
        ...(product.vendor ? { brand: product.vendor.slice(0, 200) } : {}),
        price: product.price / 100,
        currency: page.currency,
      },
    ];
  }
  if (page.pageType === 'collection' && collection) return ['category_view', { category: slugOf(collection.handle) || UNCATEGORIZED }];
  if (page.pageType === 'search' && search?.trim()) return ['search', { query: search.trim().slice(0, 200) }];
  return null;
}

/** The cart's lines as Vitrine's cart items (the category from the product type: a cart line names no collection). */
export function cartItemsOf(cart: ShopifyCart): CartItem[] {
  return cart.items.map((item) => ({
    sku: skuOf(item.sku, item.variant_id),
    qty: item.quantity,
    price: item.final_price / 100,
    ...(item.product_title ? { name: item.product_title.slice(0, 200) } : {}),
    ...(item.product_type ? { category: slugOf(item.product_type) } : {}),
    currency: cart.currency,
  }));
}

/** A completed checkout (Web Pixels' `checkout_completed`) as the payload of `v.track('purchase', …)`. */
export function purchaseOf(checkout: PixelCheckout): TrackPayloads['purchase'] {
  const items: PurchaseItem[] = checkout.lineItems.flatMap((line) =>
    line.variant ? [{ sku: skuOf(line.variant.sku, line.variant.id), category: slugOf(line.variant.product.type ?? '') || UNCATEGORIZED, price: line.variant.price.amount, qty: line.quantity }] : [],
  );
  return { ...(checkout.order ? { orderId: checkout.order.id.replace(/^gid:\/\/shopify\/OrderIdentity\//, '') } : {}), items, total: checkout.totalPrice.amount, currency: checkout.currencyCode };
}
