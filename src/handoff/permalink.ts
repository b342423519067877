import type { CartItem } from '../protocol/cart';
import { VitrineError } from '../protocol/errors';

/*
 * A link the shop's platform itself understands, built from the cart's lines: the platform's
 * cart page fills the cart from it. Unlike a handoff link, it names the products in clear and
 * the shop's server reads it: it is for the shop's own checkout, not for privacy.
 *
 * | platform | link | lines |
 * |---|---|---|
 * | Shopify | `/cart/<variant id>:<qty>,…` (cart permalinks) | all |
 * | WooCommerce | `/?add-to-cart=<product id>&quantity=<qty>` | one |
 * | BigCommerce | `/cart.php?action=add&sku=<sku>&qty=<qty>` | one |
 *
 * Others: a template (`{lines}` in the link, `{id}` (the `variantId` mapping's), `{sku}` and `{qty}` in each line).
 */

/** How to build the link: a known platform, or a template. */
export type PermalinkOptions = {
  /** The shop's origin (default: this page's). */
  origin?: string;
  /** The platform's id of a line's product (Shopify's variant id), from the merchant's own mapping; default the SKU. */
  variantId?: (item: CartItem) => string | number;
} & ({ platform: 'shopify' } | { template: string; line: string; separator?: string });

const fail = (message: string): never => {
  throw new VitrineError('invalid-payload', `cart.permalink: ${message}`);
};

/**
 * Builds the platform's cart link for the lines.
 * @param items the cart's lines
 * @param options the platform, or a template; how a line maps to the platform's id
 * @returns the link
 * @throws VitrineError `invalid-payload` for an empty cart, an unknown platform, a template without `{lines}`, or an id that is not a string or a number
 * @example
 * cartPermalink(items, { platform: 'shopify', variantId: (item) => variantIds[item.sku] }) // https://shop.example/cart/4011:2,4012:1
 */
export function cartPermalink(items: readonly CartItem[], options: PermalinkOptions): string {
  if (!items.length) fail('the cart is empty');
  const origin = options.origin ?? location.origin;
  const idOf = (item: CartItem) => {
    const id = options.variantId ? options.variantId(item) : item.sku;
    if ((typeof id !== 'string' || !id) && !Number.isInteger(id)) fail(`options.variantId gave ${JSON.stringify(id)} for ${item.sku}: expected a string or a whole number`);
    return encodeURIComponent(String(id));
  };
  if ('platform' in options) {
    if (options.platform !== 'shopify') fail(`unknown platform ${JSON.stringify(options.platform)} (known: shopify; use a template for others)`);
    return `${origin}/cart/${items.map((item) => `${idOf(item)}:${item.qty}`).join(',')}`;
  }
  const { template, line, separator = ',' } = options;
  if (typeof template !== 'string' || !template.includes('{lines}')) fail('options.template: expected a string with {lines} in it');
  if (typeof line !== 'string') fail('options.line: expected a string such as "{id}:{qty}"');
  const lines = items.map((item) => line.replace(/\{(id|sku|qty)\}/g, (_, key: string) => (key === 'id' ? idOf(item) : encodeURIComponent(String(item[key as 'sku' | 'qty'])))));
  return `${origin}${template.replace('{lines}', lines.join(separator))}`;
}
