import { isVitrineError } from '../src/protocol/errors';
import type { CartLine, CartOp } from '../src/protocol/cart';
import { changedRecord, emptyCart, isExpired, mergeRecords } from '../src/protocol/cart-rules';
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
 * Starts from this visit's cart when there is one, and brings back the cart of an earlier
 * session with `functional` consent, unless it expired (then it is erased); the visit's cart
 * joins it by the merge rules.
 */
export async function restoreCart(s: EngineState, cfg: EngineConfig, now: number, visit: CartRecord | null, continuing: boolean): Promise<void> {
  if (visit) s.cart = visit;
  if (!persistentCart(s)) return;
  if (visit) return keepSessionCart(s, cfg);
  const saved = await guarded(s, () => s.store.get('cart'));
  if (saved && isExpired(saved, now, cfg.cartTtlDays)) {
    await guarded(s, () => s.store.update('cart', () => undefined, keptAnyway));
  } else if (saved?.lines.length) {
    s.cart = saved;
    // Restored means from an earlier visit: not on the next page of this one.
    s.restored = !continuing;
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
    s.store.update(
      'cart',
      (stored) => {
        const kept = stored && !isExpired(stored, now, cfg.cartTtlDays) ? stored : emptyCart();
        return mergeRecords(kept, session);
      },
      mayKeepCart,
    ),
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
        s.store.update(
          'cart',
          (stored) => {
            const base = stored && !isExpired(stored, now, cfg.cartTtlDays) ? stored : emptyCart();
            inspect?.(base.lines, now);
            return changedRecord(base, op, now);
          },
          mayKeepCart,
        ),
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
