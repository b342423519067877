import { isVitrineError } from '../src/protocol/errors';
import { CART_LIMITS, HANDOFF_ID, validateCartOp, type Cart, type CartLine, type CartOp } from '../src/protocol/cart';
import { changedRecord, emptyCart, isExpired, mergeRecords } from './cart';
import { guarded, keptIfAllowed } from './storage/lifecycle';
import type { CartRecord } from './storage/store';
import { keptAnyway, mayKeepCart } from './purposes';
import { persistentCart, type EngineConfig, type EngineState } from './state';

/*
 * Where the cart lives: in IndexedDB with `functional` consent (one transaction per change),
 * else in memory for this session, shared with the engines of the other open tabs, and in the
 * page's session storage for the tab's next pages (src/session-cart.ts).
 */

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

/**
 * Starts from this visit's cart when there is one, and brings back the cart of an earlier
 * session with `functional` consent, unless it expired (then it is erased); the visit's cart
 * joins it by the merge rules.
 */
export async function restoreCart(s: EngineState, cfg: EngineConfig, now: number, visit: CartRecord | null): Promise<void> {
  if (visit) s.cart = visit;
  if (!persistentCart(s)) return;
  if (visit) return keepSessionCart(s, cfg);
  const saved = await guarded(s, () => s.store.get('cart'));
  if (saved && isExpired(saved, now, cfg.cartTtlDays)) {
    await guarded(s, () => s.store.update('cart', () => undefined, keptAnyway));
  } else if (saved && saved.lines.length) {
    s.cart = saved;
    s.restored = true;
  }
}

/**
 * Once `functional` is granted: the session's cart joins what is stored (an earlier tab's grant,
 * or an earlier visit). If another tab withdrew `functional` since, nothing is written and the
 * cart stays this session's.
 */
export async function keepSessionCart(s: EngineState, cfg: EngineConfig): Promise<void> {
  const now = Date.now();
  const session = s.cart;
  const merged = await keptIfAllowed(s, () =>
    s.store.update('cart', (stored) => {
      const kept = stored && !isExpired(stored, now, cfg.cartTtlDays) ? stored : emptyCart();
      return mergeRecords(kept, session);
    }, mayKeepCart),
  );
  if (merged) s.cart = merged;
}

/**
 * Applies a cart change where the cart lives, telling the other tabs either way.
 * @param inspect sees the lines the change is applied to, inside the transaction
 * @returns the cart after the change
 */
export async function changeCart(s: EngineState, cfg: EngineConfig, op: CartOp, inspect?: (lines: CartLine[], now: number) => void): Promise<CartRecord> {
  const now = Date.now();
  if (persistentCart(s)) {
    try {
      const next = await guarded(s, () =>
        s.store.update('cart', (stored) => {
          const base = stored && !isExpired(stored, now, cfg.cartTtlDays) ? stored : emptyCart();
          inspect?.(base.lines, now);
          return changedRecord(base, op, now);
        }, mayKeepCart),
      );
      if (persistentCart(s)) {
        s.cart = next ?? emptyCart();
        s.sync?.post({ t: 'cart-changed' });
        return s.cart;
      }
    } catch (error) {
      if (!(isVitrineError(error) && error.code === 'consent-required')) throw error;
    }
    // Storage failed, or functional was withdrawn in another tab: apply the change in memory.
  }
  inspect?.(s.cart.lines, now);
  s.cart = changedRecord(s.cart, op, now);
  s.sync?.post({ t: 'cart-op', op, at: now });
  return s.cart;
}
