import { describe, expect, it } from 'vitest';
import { cartItemsOf, pageSignal, purchaseOf, skuOf, slugOf } from '../../src/shopify/map';
import { validateTrack } from '../../src/protocol/events';
import { validateCartOp } from '../../src/protocol/cart';
import { CART_JS, COMPLETED_CHECKOUT, EMPTY_CART_JS, PRODUCT_PAGE } from '../fixtures/shopify';

/*
 * src/shopify/map.ts against the payloads Shopify documents (test/fixtures/shopify.ts): each
 * result is checked by the SDK's own validators, so what the mapping makes is what the SDK takes.
 */

describe('a page', () => {
  it('tells its product, priced in units, its category from the product type or the first collection', () => {
    const signal = pageSignal(PRODUCT_PAGE)!;
    expect(signal).toEqual(['product_view', { sku: 'CF-ETH-250', category: 'single-origin-coffee', name: 'Ethiopian Yirgacheffe', brand: 'Roastery', price: 12, currency: 'EUR' }]);
    expect(() => validateTrack(signal[0], signal[1], Date.now())).not.toThrow();
    expect(pageSignal(PRODUCT_PAGE, 'collection')![1]).toMatchObject({ category: 'coffee' });
  });

  it('keys a product without a SKU by its variant', () => {
    expect(pageSignal({ ...PRODUCT_PAGE, product: { ...PRODUCT_PAGE.product!, sku: '' } })![1]).toMatchObject({ sku: 'variant-44390231736601' });
    expect(pageSignal({ ...PRODUCT_PAGE, product: { ...PRODUCT_PAGE.product!, sku: null, type: '' } })![1]).toMatchObject({ sku: 'variant-44390231736601', category: 'uncategorized' });
  });

  it('tells a collection and a search; other pages tell nothing', () => {
    const collection = pageSignal({ ...PRODUCT_PAGE, pageType: 'collection', product: null, collection: { handle: 'Pour-Over', title: 'Pour over' } })!;
    expect(collection).toEqual(['category_view', { category: 'pour-over' }]);
    const search = pageSignal({ ...PRODUCT_PAGE, pageType: 'search', product: null, search: '  decaf beans ' })!;
    expect(search).toEqual(['search', { query: 'decaf beans' }]);
    for (const [type, payload] of [collection, search]) expect(() => validateTrack(type, payload, Date.now())).not.toThrow();
    expect(pageSignal({ ...PRODUCT_PAGE, pageType: 'search', product: null, search: null })).toBeNull();
    expect(pageSignal({ ...PRODUCT_PAGE, pageType: 'index', product: null })).toBeNull();
    expect(pageSignal({ ...PRODUCT_PAGE, pageType: 'cart', product: null })).toBeNull();
  });
});

describe('the cart', () => {
  it('becomes Vitrine cart items: discounted unit price, a SKU for every line, the product type as category', () => {
    const items = cartItemsOf(CART_JS);
    expect(items).toEqual([
      { sku: 'CF-ETH-250', qty: 2, price: 10.5, name: 'Ethiopian Yirgacheffe', category: 'single-origin-coffee', currency: 'EUR' },
      { sku: 'variant-44390231769369', qty: 1, price: 13, name: 'Pour-over kettle', category: 'brewing-gear', currency: 'EUR' },
    ]);
    for (const item of items) expect(() => validateCartOp({ kind: 'add', item })).not.toThrow();
    expect(cartItemsOf(EMPTY_CART_JS)).toEqual([]);
  });
});

describe('a completed checkout', () => {
  it('becomes a purchase: the order id, each line at its unit price, the total with shipping and tax', () => {
    const purchase = purchaseOf(COMPLETED_CHECKOUT);
    expect(purchase).toEqual({
      orderId: '5512345678901',
      items: [
        { sku: 'CF-ETH-250', category: 'single-origin-coffee', price: 12, qty: 2 },
        { sku: 'variant-44390231769369', category: 'brewing-gear', price: 13, qty: 1 },
      ],
      total: 38.9,
      currency: 'EUR',
    });
    expect(() => validateTrack('purchase', purchase, Date.now())).not.toThrow();
    // The cart's and the checkout's lines get the same SKUs, so offers' conversions match.
    expect(purchase.items.map((i) => i.sku)).toEqual(cartItemsOf(CART_JS).map((i) => i.sku));
  });

  it('drops a line whose variant was deleted (Shopify sends it as null)', () => {
    const purchase = purchaseOf({ ...COMPLETED_CHECKOUT, lineItems: [...COMPLETED_CHECKOUT.lineItems, { quantity: 1, title: 'Gone', variant: null }] });
    expect(purchase.items).toHaveLength(2);
  });
});

describe('names', () => {
  it('slugs categories as catalogs name them, and strips Shopify global ids', () => {
    expect(slugOf('Café — Pour Over!')).toBe('cafe-pour-over');
    expect(skuOf(' ', 'gid://shopify/ProductVariant/42')).toBe('variant-42');
    expect(skuOf('AB-1', 42)).toBe('AB-1');
  });
});
