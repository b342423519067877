import type { TrackEvent } from '../src/protocol/events';
import type { Profile } from './profile';
import {
  STORE_NAMES, signalCutoff,
  type CartRecord, type MetaValues, type Retention, type SignalRecord, type Store, type StoreName,
} from './store';

/**
 * The store used when IndexedDB is unavailable: same semantics, gone with the page.
 * Never falls back to localStorage.
 * @returns an empty memory store
 */
export function createMemoryStore(): Store {
  let signals: SignalRecord[] = [];
  let nextId = 1;
  let profile: Profile | undefined;
  let cart: CartRecord | undefined;
  let meta: Partial<MetaValues> = {};
  // Exposures and outbox have no writers yet; they exist so export and erase cover them.
  let exposures: unknown[] = [];
  let outbox: unknown[] = [];

  const pruneNow = (retention: Retention, now: number) => {
    const cutoff = signalCutoff(retention, now);
    signals = signals.filter((s) => s.at >= cutoff);
    if (signals.length > retention.maxSignals) signals = signals.slice(signals.length - retention.maxSignals);
  };

  const all = (): Record<StoreName, unknown[]> => ({
    signals: signals.map((s) => structuredClone(s)),
    profile: profile ? [structuredClone(profile)] : [],
    cart: cart ? [structuredClone(cart)] : [],
    exposures: structuredClone(exposures),
    outbox: structuredClone(outbox),
    meta: Object.entries(meta).map(([key, value]) => ({ key, value: structuredClone(value) })),
  });

  const store: Store = {
    kind: 'memory',
    async appendSignals(events: TrackEvent[], retention, now, update) {
      const next = update(profile);
      for (const e of events) signals.push({ ...structuredClone(e), id: nextId++ });
      profile = next;
      pruneNow(retention, now);
    },
    async prune(retention, now) {
      pruneNow(retention, now);
    },
    async getProfile() {
      return profile && structuredClone(profile);
    },
    async getCart() {
      return cart && structuredClone(cart);
    },
    async updateCart(change) {
      cart = change(cart && structuredClone(cart));
      return cart && structuredClone(cart);
    },
    async getMeta(key) {
      const value = meta[key];
      return value && structuredClone(value);
    },
    async setMeta(key, value) {
      meta[key] = structuredClone(value);
    },
    async count(name) {
      return all()[name].length;
    },
    async clear(names) {
      for (const name of names) {
        if (name === 'signals') signals = [];
        if (name === 'profile') profile = undefined;
        if (name === 'cart') cart = undefined;
        if (name === 'meta') meta = {};
        if (name === 'exposures') exposures = [];
        if (name === 'outbox') outbox = [];
      }
    },
    async dump() {
      return all();
    },
    async destroy() {
      await store.clear(STORE_NAMES);
    },
    close() {},
  };
  return store;
}
