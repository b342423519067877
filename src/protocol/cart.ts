import { Reader } from './validate';
import { VitrineError } from './errors';

/** One cart line (a contract: README, "API"). `price` is per unit. */
export interface CartItem {
  sku: string;
  qty: number;
  price: number;
  name?: string;
  category?: string;
  currency?: string;
}

/** A cart line as stored: the item plus when it last changed, for merging across tabs. */
export interface CartLine extends CartItem {
  updatedAt: number;
}

/** The cart as the page sees it. */
export interface Cart {
  items: CartItem[];
  /** When the cart last changed (ms since the epoch); 0 for a cart never changed. */
  updatedAt: number;
  /**
   * True when this cart came back from an earlier visit: on the tab's first page of the shop (a
   * browser restart, a new tab) or the first after 30 minutes without one (src/visit.ts); not on
   * the next pages of the same visit.
   */
  restored: boolean;
  /** The ids of the handoff links merged into this cart (the latest 50), so that a link opened again adds nothing. */
  handoffs?: string[];
}

/** What the merchant's `fetchCurrent` says about one SKU. */
export interface CurrentOffer {
  available: boolean;
  price?: number;
}

/** A change to the cart, applied atomically by the engine. */
export type CartOp =
  | { kind: 'add'; item: CartItem }
  | { kind: 'update'; sku: string; qty: number }
  | { kind: 'remove'; sku: string }
  | { kind: 'clear' }
  | { kind: 'revalidate'; current: Record<string, CurrentOffer> }
  /** The lines of a handoff link (src/handoff/link.ts) the shopper said yes to, as of when the link was made. */
  | { kind: 'handoff'; id: string; at: number; items: CartItem[] };

/** What `cart.revalidate()` changed, so the page can tell the shopper. */
export interface RevalidateResult {
  cart: Cart;
  /** Lines whose unit price changed. */
  repriced: { sku: string; from: number; to: number }[];
  /** Lines removed because the merchant says they are unavailable. */
  removed: CartItem[];
  /** SKUs the merchant's function said nothing about: left as they were. */
  unchecked: string[];
}

/** The most lines a cart holds, and the most units of one line. */
export const CART_LIMITS = { lines: 200, qty: 10_000, price: 1e9, handoffs: 50 } as const;

/** A handoff link's id, as a cart keeps it (src/handoff/link.ts makes 12 of these characters). */
export const HANDOFF_ID = /^[\w-]{1,32}$/;

/**
 * Validates a cart item where it enters the SDK.
 * @param value the untrusted item
 * @param path where it came from, for the message
 * @returns the item with only known fields
 * @throws VitrineError `invalid-cart-item`, naming the field at fault
 */
export function validateCartItem(value: unknown, path = 'cart.add(item)'): CartItem {
  const r = Reader.of(value, path, 'invalid-cart-item');
  const item: CartItem = {
    sku: r.string('sku'),
    qty: r.integer('qty', 1, CART_LIMITS.qty),
    price: r.number('price', 0, CART_LIMITS.price),
  };
  const name = r.optString('name');
  const category = r.optString('category');
  const currency = r.currency('currency');
  r.done();
  if (name !== undefined) item.name = name;
  if (category !== undefined) item.category = category;
  if (currency !== undefined) item.currency = currency;
  return item;
}

/**
 * Validates a SKU and quantity for `cart.update()`.
 * @returns the quantity (0 removes the line)
 */
export function validateQty(sku: unknown, qty: unknown): { sku: string; qty: number } {
  const r = new Reader({ sku, qty }, 'cart.update', 'invalid-cart-item');
  return { sku: r.string('sku'), qty: r.integer('qty', 0, CART_LIMITS.qty) };
}

/**
 * Validates what the merchant's `fetchCurrent` returned.
 * @param value the untrusted answer
 * @returns a map from SKU to availability and price
 */
export function validateCurrent(value: unknown): Record<string, CurrentOffer> {
  const out: Record<string, CurrentOffer> = Object.create(null);
  Reader.of(value, 'fetchCurrent()', 'invalid-cart-item');
  for (const [sku, entry] of Object.entries(value as object)) {
    if (entry === null || entry === undefined) continue;
    const r = Reader.of(entry, `fetchCurrent()[${JSON.stringify(sku)}]`, 'invalid-cart-item');
    const available = r.optBoolean('available') ?? r.fail('available', 'true or false');
    const price = r.optNumber('price', 0, CART_LIMITS.price);
    r.done();
    out[sku] = price === undefined ? { available } : { available, price };
  }
  return out;
}

/**
 * Validates a cart change as it reaches the engine from the page.
 * @param value the untrusted change
 * @returns the change with validated fields
 * @throws VitrineError `invalid-cart-item`, naming the field at fault
 */
export function validateCartOp(value: unknown): CartOp {
  const op = value as CartOp;
  switch (op?.kind) {
    case 'add':
      return { kind: 'add', item: validateCartItem(op.item) };
    case 'update':
      return { kind: 'update', ...validateQty(op.sku, op.qty) };
    case 'remove':
      return { kind: 'remove', sku: validateQty(op.sku, 0).sku };
    case 'clear':
      return { kind: 'clear' };
    case 'revalidate':
      return { kind: 'revalidate', current: validateCurrent(op.current) };
    case 'handoff': {
      const r = new Reader({ id: op.id, at: op.at }, 'cart.handoff', 'invalid-cart-item');
      const id = r.string('id', 32);
      if (!HANDOFF_ID.test(id)) r.fail('id', 'letters, digits, - and _ only');
      const at = r.number('at', 0, Number.MAX_SAFE_INTEGER);
      if (!Array.isArray(op.items) || !op.items.length || op.items.length > CART_LIMITS.lines) r.fail('items', `from 1 to ${CART_LIMITS.lines} lines`);
      return { kind: 'handoff', id, at, items: op.items.map((item, i) => validateCartItem(item, `cart.handoff.items[${i}]`)) };
    }
    default:
      throw new VitrineError('invalid-cart-item', 'cart: unknown change');
  }
}
