import { Reader } from './validate';
import { VitrineError } from './errors';

/** One cart line (a contract: DESIGN.md §3). `price` is per unit. */
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
  /** True when this cart was restored from an earlier session. */
  restored: boolean;
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
  | { kind: 'revalidate'; current: Record<string, CurrentOffer> };

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
export const CART_LIMITS = { lines: 200, qty: 10_000, price: 1e9 } as const;

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
  const currency = r.raw('currency');
  if (currency !== undefined && (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))) {
    r.fail('currency', 'a three-letter ISO 4217 code such as "EUR"');
  }
  r.done();
  if (name !== undefined) item.name = name;
  if (category !== undefined) item.category = category;
  if (currency !== undefined) item.currency = currency as string;
  return item;
}

/**
 * Validates a SKU and quantity for `cart.update()`.
 * @returns the quantity (0 removes the line)
 */
export function validateQty(sku: unknown, qty: unknown): { sku: string; qty: number } {
  if (typeof sku !== 'string' || sku.length === 0 || sku.length > 200) {
    throw new VitrineError('invalid-cart-item', 'cart.update(sku): expected a non-empty string');
  }
  if (typeof qty !== 'number' || !Number.isInteger(qty) || qty < 0 || qty > CART_LIMITS.qty) {
    throw new VitrineError('invalid-cart-item', `cart.update(qty): expected a whole number from 0 to ${CART_LIMITS.qty}`);
  }
  return { sku, qty };
}

/**
 * Validates what the merchant's `fetchCurrent` returned.
 * @param value the untrusted answer
 * @returns a map from SKU to availability and price
 */
export function validateCurrent(value: unknown): Record<string, CurrentOffer> {
  const out: Record<string, CurrentOffer> = Object.create(null);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new VitrineError('invalid-cart-item', 'cart.revalidate: fetchCurrent must resolve to an object keyed by SKU');
  }
  for (const [sku, entry] of Object.entries(value)) {
    if (entry === null || entry === undefined) continue;
    const r = Reader.of(entry, `cart.revalidate: fetchCurrent()[${JSON.stringify(sku)}]`, 'invalid-cart-item');
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
    default:
      throw new VitrineError('invalid-cart-item', 'cart: unknown change');
  }
}
