import { VitrineError } from './errors';
import { CART_LIMITS, HANDOFF_ID, validateCartOp, type Cart, type CartItem, type CartLine, type CartOp, type CurrentOffer, type RevalidateResult } from './cart';
import { DAY_MS } from './time';

/*
 * The cart's rules, pure: how a change applies, how two views of a cart merge, what the page
 * sees of it. The engine keeps the cart by them (worker/cart-sync.ts); the page's stand-in
 * (src/stand-in-engine.ts) does too, when no engine could start.
 */

/** The cart as the engine keeps it (persisted: one record, replaced atomically). */
export interface CartRecord {
  id: 'current';
  lines: CartLine[];
  updatedAt: number;
  /** The handoff links merged into it ({@link changedRecord}), the latest last. */
  handoffs?: string[];
}

/** The empty cart record. */
export function emptyCart(): CartRecord {
  return { id: 'current', lines: [], updatedAt: 0 };
}

function line(item: CartItem, now: number): CartLine {
  return { ...item, updatedAt: now };
}

/**
 * Re-prices and drops lines against the merchant's current truth.
 * @param lines the cart lines
 * @param current what the merchant's `fetchCurrent` said, by SKU
 * @param now the time of the change
 * @returns the new lines and what changed
 */
export function revalidateLines(lines: readonly CartLine[], current: Record<string, CurrentOffer>, now: number) {
  const repriced: RevalidateResult['repriced'] = [];
  const removed: CartItem[] = [];
  const unchecked: string[] = [];
  const kept: CartLine[] = [];
  for (const l of lines) {
    const c = Object.hasOwn(current, l.sku) ? current[l.sku] : undefined;
    if (!c) {
      unchecked.push(l.sku);
      kept.push(l);
    } else if (!c.available) {
      removed.push(toItem(l));
    } else if (c.price !== undefined && c.price !== l.price) {
      repriced.push({ sku: l.sku, from: l.price, to: c.price });
      kept.push({ ...l, price: c.price, updatedAt: now });
    } else {
      kept.push(l);
    }
  }
  return { lines: kept, repriced, removed, unchecked };
}

/**
 * Applies one change to the cart lines. Pure: returns new lines.
 * @param lines the current lines
 * @param op the change
 * @param now the time of the change, stamped on the lines it touches
 * @returns the new lines
 * @throws VitrineError `invalid-cart-item` when the cart is full
 */
export function applyCartOp(lines: readonly CartLine[], op: CartOp, now: number): CartLine[] {
  switch (op.kind) {
    case 'add': {
      const i = lines.findIndex((l) => l.sku === op.item.sku);
      if (i === -1) {
        if (lines.length >= CART_LIMITS.lines) {
          throw new VitrineError('invalid-cart-item', `cart.add: the cart already holds ${CART_LIMITS.lines} lines`);
        }
        return [...lines, line(op.item, now)];
      }
      const existing = lines[i]!;
      const merged = line({ ...existing, ...op.item, qty: Math.min(CART_LIMITS.qty, existing.qty + op.item.qty) }, now);
      return lines.map((l, j) => (j === i ? merged : l));
    }
    case 'update':
      if (op.qty === 0) return lines.filter((l) => l.sku !== op.sku);
      return lines.map((l) => (l.sku === op.sku ? { ...l, qty: op.qty, updatedAt: now } : l));
    case 'remove':
      return lines.filter((l) => l.sku !== op.sku);
    case 'clear':
      return [];
    case 'revalidate':
      return revalidateLines(lines, op.current, now).lines;
    case 'handoff': {
      // By the merge rules: for a SKU on both devices, the line changed last (the link's lines are as of when it was made).
      const merged = mergeLines(
        lines,
        op.items.map((item) => ({ ...item, updatedAt: op.at })),
      );
      if (merged.length > CART_LIMITS.lines) throw new VitrineError('invalid-cart-item', `cart.handoff: the cart would hold more than ${CART_LIMITS.lines} lines`);
      return merged;
    }
  }
}

/**
 * Applies one change to a cart record: its lines, and the handoff links it merged. A link
 * merged before changes nothing.
 * @returns the new record (the same one for a link merged before)
 */
export function changedRecord(record: CartRecord, op: CartOp, now: number): CartRecord {
  if (op.kind === 'handoff' && record.handoffs?.includes(op.id)) return record;
  const handoffs = op.kind === 'handoff' ? [...(record.handoffs ?? []), op.id].slice(-CART_LIMITS.handoffs) : record.handoffs;
  return { id: 'current', lines: applyCartOp(record.lines, op, now), updatedAt: now, ...(handoffs && { handoffs }) };
}

/** Two views of the cart as one (another tab's, the stored one): lines by the merge rules, the handoff links of both. */
export function mergeRecords(a: CartRecord, b: CartRecord): CartRecord {
  const handoffs = [...new Set([...(a.handoffs ?? []), ...(b.handoffs ?? [])])].slice(-CART_LIMITS.handoffs);
  return { id: 'current', lines: mergeLines(a.lines, b.lines), updatedAt: Math.max(a.updatedAt, b.updatedAt), ...(handoffs.length && { handoffs }) };
}

/**
 * Merges two views of the cart (another tab's, or the persisted one) without losing a line:
 * the union of SKUs, and for a SKU in both, the line changed last.
 * @returns the merged lines, in first-seen order
 */
export function mergeLines(a: readonly CartLine[], b: readonly CartLine[]): CartLine[] {
  const out = new Map<string, CartLine>();
  for (const l of a) out.set(l.sku, l);
  for (const l of b) {
    const mine = out.get(l.sku);
    if (!mine || l.updatedAt > mine.updatedAt) out.set(l.sku, l);
  }
  return [...out.values()];
}

/**
 * Whether a stored cart is past its time to live.
 * @param ttlDays days after the last change
 */
export function isExpired(record: CartRecord, now: number, ttlDays: number): boolean {
  return record.updatedAt > 0 && now - record.updatedAt > ttlDays * DAY_MS;
}

function toItem(l: CartLine): CartItem {
  const { updatedAt: _, ...item } = l;
  return item;
}

/**
 * The cart as the page sees it.
 * @param restored whether it came back from an earlier session
 */
export function toCart(record: CartRecord, restored: boolean): Cart {
  return { items: record.lines.map(toItem), updatedAt: record.updatedAt, restored, ...(record.handoffs && { handoffs: record.handoffs }) };
}

/**
 * The cart of this tab's visit as the page kept it without `functional` consent
 * (src/session-cart.ts), each line checked as a change is.
 * @param raw what the page read from its session storage
 * @returns the cart, or null for none or a copy that is not a valid cart
 */
export function visitCartOf(raw: unknown, now: number): CartRecord | null {
  try {
    const { items, updatedAt, handoffs = [] } = raw as Cart;
    const at = Math.min(now, Number(updatedAt) || now);
    let record = emptyCart();
    for (const item of items) record = changedRecord(record, validateCartOp({ kind: 'add', item }), at);
    // The links merged during the visit, each checked as a link's id is.
    if (!Array.isArray(handoffs) || !handoffs.every((id) => typeof id === 'string' && HANDOFF_ID.test(id))) return null;
    return record.lines.length ? { ...record, ...(handoffs.length && { handoffs: handoffs.slice(-CART_LIMITS.handoffs) }) } : null;
  } catch {
    return null;
  }
}
