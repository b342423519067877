/*
 * The shapes Shopify documents, as far as Vitrine reads them. Prices are in the currency's
 * subunit (cents) everywhere but in Web Pixels, whose money is `{ amount, currencyCode }` in units.
 */

/** One line of the Ajax Cart API's cart (`GET /cart.js`). */
export interface ShopifyCartItem {
  variant_id: number;
  product_id?: number;
  quantity: number;
  /** Empty when the merchant set none. */
  sku: string | null;
  /** The price of one item after line discounts, in subunits. */
  final_price: number;
  product_title?: string;
  product_type?: string;
  vendor?: string;
}

/** The Ajax Cart API's cart (`GET /cart.js`). */
export interface ShopifyCart {
  token?: string;
  item_count: number;
  items: ShopifyCartItem[];
  /** ISO 4217. */
  currency: string;
}

/**
 * What the theme app embed block (extensions/vitrine/blocks/vitrine.liquid) writes in the page
 * from Liquid: the page's type (`request.page_type`), and its product, collection or search.
 */
export interface ShopifyPage {
  pageType: string;
  currency: string;
  product: {
    /** The selected (or first available) variant's. */
    sku: string | null;
    variantId: number;
    title: string;
    type: string;
    vendor: string;
    /** In subunits. */
    price: number;
    /** The handles of its collections. */
    collections: string[];
  } | null;
  collection: { handle: string; title: string } | null;
  /** The search terms, on a search page that searched. */
  search: string | null;
}

/** Money in Web Pixels' events. */
export interface PixelMoney {
  amount: number;
  currencyCode: string;
}

/** A line of the `checkout_completed` Web Pixels event's checkout. */
export interface PixelLineItem {
  quantity: number;
  title?: string;
  variant: {
    id: string;
    sku?: string | null;
    price: PixelMoney;
    product: { id?: string; title?: string; type?: string | null; vendor?: string };
  } | null;
}

/** The checkout of the `checkout_completed` Web Pixels event (`event.data.checkout`). */
export interface PixelCheckout {
  token?: string | null;
  currencyCode: string;
  totalPrice: PixelMoney;
  lineItems: PixelLineItem[];
  order: { id: string } | null;
}
