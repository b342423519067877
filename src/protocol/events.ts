import { Reader, isPlainObject, readArray } from './validate';
import { VitrineError } from './errors';

/** Product fields shared by `product_view`, `add_to_cart` and `remove_from_cart`. */
export interface ProductPayload {
  sku: string;
  category: string;
  name?: string;
  brand?: string;
  price?: number;
  currency?: string;
}

/** One line of a purchase. */
export interface PurchaseItem {
  sku: string;
  category: string;
  price: number;
  qty: number;
}

/** The payload of each track type (a contract: README, "API"). */
export interface TrackPayloads {
  page_view: { path?: string; category?: string };
  product_view: ProductPayload;
  category_view: { category: string };
  search: { query: string };
  add_to_cart: ProductPayload;
  remove_from_cart: ProductPayload;
  purchase: { orderId?: string; items: PurchaseItem[]; total: number; currency: string };
  /** A click on an offer the page rendered itself (`render` records its own clicks). */
  offer_click: { offer: string; variant?: string; slot?: string };
}

/** The event types `track()` accepts. */
export type TrackType = keyof TrackPayloads;

/** A validated event, timestamped where it entered, as it is batched to the engine. */
export type TrackEvent = {
  [K in TrackType]: { type: K; at: number; payload: TrackPayloads[K] };
}[TrackType];

const MAX_PRICE = 1e9;
const MAX_QTY = 10_000;

function readProduct(value: unknown, path: string): ProductPayload {
  const r = Reader.of(value, path, 'invalid-payload');
  const product: ProductPayload = { sku: r.string('sku'), category: r.string('category') };
  const name = r.optString('name');
  const brand = r.optString('brand');
  const price = r.optNumber('price', 0, MAX_PRICE);
  const currency = r.currency('currency');
  r.done();
  if (name !== undefined) product.name = name;
  if (brand !== undefined) product.brand = brand;
  if (price !== undefined) product.price = price;
  if (currency !== undefined) product.currency = currency;
  return product;
}

function readPurchaseItem(value: unknown, path: string): PurchaseItem {
  const r = Reader.of(value, path, 'invalid-payload');
  const item = {
    sku: r.string('sku'),
    category: r.string('category'),
    price: r.number('price', 0, MAX_PRICE),
    qty: r.integer('qty', 1, MAX_QTY),
  };
  r.done();
  return item;
}

const readers: { [K in TrackType]: (value: unknown, path: string) => TrackPayloads[K] } = {
  page_view(value, path) {
    const r = Reader.of(value ?? {}, path, 'invalid-payload');
    const out: TrackPayloads['page_view'] = {};
    const p = r.optString('path', 2000);
    const category = r.optString('category');
    r.done();
    if (p !== undefined) out.path = p;
    if (category !== undefined) out.category = category;
    return out;
  },
  product_view: readProduct,
  category_view(value, path) {
    const r = Reader.of(value, path, 'invalid-payload');
    const out = { category: r.string('category') };
    r.done();
    return out;
  },
  search(value, path) {
    const r = Reader.of(value, path, 'invalid-payload');
    const out = { query: r.string('query', 500) };
    r.done();
    return out;
  },
  add_to_cart: readProduct,
  remove_from_cart: readProduct,
  purchase(value, path) {
    const r = Reader.of(value, path, 'invalid-payload');
    const out: TrackPayloads['purchase'] = {
      items: readArray(r, 'items', 500, readPurchaseItem)!,
      total: r.number('total', 0, MAX_PRICE * MAX_QTY),
      currency: r.currency('currency', true)!,
    };
    const orderId = r.optString('orderId');
    r.done();
    if (orderId !== undefined) out.orderId = orderId;
    return out;
  },
  offer_click(value, path) {
    const r = Reader.of(value, path, 'invalid-payload');
    const out: TrackPayloads['offer_click'] = { offer: r.string('offer', 100) };
    const variant = r.optString('variant', 100);
    const slot = r.optString('slot', 100);
    r.done();
    if (variant !== undefined) out.variant = variant;
    if (slot !== undefined) out.slot = slot;
    return out;
  },
};

/** The track types, in the order the README lists them. */
export const TRACK_TYPES = Object.keys(readers) as TrackType[];

/**
 * Validates a `track()` call where it enters the SDK.
 * @param type the event type
 * @param payload the untrusted payload
 * @param at when it happened (ms since the epoch)
 * @returns the validated event, holding only known fields
 * @throws VitrineError `invalid-payload`, naming the field at fault
 */
export function validateTrack(type: unknown, payload: unknown, at: number): TrackEvent {
  if (typeof type !== 'string' || !Object.hasOwn(readers, type)) {
    throw new VitrineError('invalid-payload', `track: unknown event type ${JSON.stringify(type)}; expected one of ${TRACK_TYPES.join(', ')}`);
  }
  const read = readers[type as TrackType] as (value: unknown, path: string) => TrackPayloads[TrackType];
  if (payload !== undefined && !isPlainObject(payload)) {
    throw new VitrineError('invalid-payload', `${type}: expected an object as payload`);
  }
  return { type, at, payload: read(payload, type) } as TrackEvent;
}
