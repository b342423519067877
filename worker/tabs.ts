import { toCart, changedRecord, emptyCart, mergeRecords } from '../src/protocol/cart-rules';
import type { Envelope } from './sync';
import { guarded, resetAfterForget } from './storage/lifecycle';
import { applyConsent } from './consent';
import { clearDecisions } from './decisions';
import { persistentCart, type EngineState } from './state';

/**
 * Handles a message from the engine of another tab of the same site (worker/sync.ts): a cart
 * change, a consent decision, an erasure, an exposure, a muted interest. The page hears of
 * what changed for it as events.
 */
export async function onTabMessage(s: EngineState, m: Envelope): Promise<void> {
  if (!s.config || s.closed) return;
  switch (m.t) {
    case 'profile':
      s.store.profileChangedElsewhere?.();
      return;
    case 'cart-changed':
      if (!persistentCart(s)) return;
      s.cart = (await guarded(s, () => s.store.get('cart'))) ?? emptyCart();
      break;
    case 'cart-op':
      if (persistentCart(s)) return;
      s.cart = { ...changedRecord(s.cart, m.op, m.at), updatedAt: Math.max(s.cart.updatedAt, m.at) };
      break;
    case 'hello':
      // A tab opened mid-session asks for the session cart.
      if (!persistentCart(s) && s.cart.lines.length) s.sync?.post({ t: 'cart-state', to: m.from, lines: s.cart.lines, ...(s.cart.handoffs && { handoffs: s.cart.handoffs }) });
      return;
    case 'cart-state': {
      if (m.to !== s.sync?.id || persistentCart(s)) return;
      const newest = Math.max(0, ...m.lines.map((l) => l.updatedAt));
      s.cart = mergeRecords(s.cart, { id: 'current', lines: m.lines, updatedAt: newest, ...(m.handoffs && { handoffs: m.handoffs }) });
      break;
    }
    case 'consent':
      await applyConsent(s, m.consent, true);
      s.emit({ type: 'consent', consent: m.consent });
      break;
    case 'forget':
      resetAfterForget(s);
      s.emit({ type: 'consent', consent: s.consent });
      s.emit({ type: 'storage', storage: 'memory', reason: s.storageReason! });
      break;
    case 'exposure':
      s.exposures.add(m.record);
      return;
    case 'muted':
      s.muted = new Set(m.muted);
      clearDecisions(s);
      return;
  }
  s.emit({ type: 'cart', cart: toCart(s.cart, s.restored), cause: 'remote' });
}
