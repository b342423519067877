import type { TrackEvent } from '../../src/protocol/events';
import type { Profile } from '../profile';
import {
  MAX_EXPOSURES,
  STORE_NAMES,
  consentRequired,
  signalCutoff,
  type Documents,
  type ExposureRecord,
  type Guard,
  type MetaValues,
  type Retention,
  type SignalRecord,
  type Store,
  type StoreName,
} from './store';
import { EXPOSURE_BYTES, signalBytes, sizeOf } from './budget';

/**
 * The store used when IndexedDB is unavailable: same semantics, gone with the page.
 * Never falls back to localStorage.
 * @returns an empty memory store
 */
export function createMemoryStore(): Store {
  let signals: SignalRecord[] = [];
  let nextId = 1;
  let profile: Profile | undefined;
  const documents: Partial<Documents> = {};
  let meta: Partial<MetaValues> = {};
  let exposures: ExposureRecord[] = [];
  let nextExposure = 1;

  const pruneNow = (retention: Retention, now: number) => {
    const cutoff = signalCutoff(retention, now);
    signals = signals.filter((s) => s.at >= cutoff);
  };
  /** Each record's size, measured once. */
  const sizes = new WeakMap<object, number>();
  const size = (v: object) => sizes.get(v) ?? sizes.set(v, sizeOf(v)).get(v)!;
  /**
   * The records of `list` kept within a count and a byte budget, the oldest going first (over
   * the count only those `spare` picks).
   */
  const within = <V extends { at: number }>(list: V[], maxCount: number, maxBytes: number, spare: (v: V) => boolean = () => true): V[] => {
    let count = list.length;
    let bytes = list.reduce((n, v) => n + size(v), 0);
    if (count <= maxCount && bytes <= maxBytes) return list;
    const gone = new Set<V>();
    for (const v of [...list].sort((a, b) => a.at - b.at)) {
      if (count <= maxCount && bytes <= maxBytes) break;
      if (bytes > maxBytes || spare(v)) gone.add(v), count--, (bytes -= size(v));
    }
    return gone.size ? list.filter((v) => !gone.has(v)) : list;
  };

  const check = (guard: Guard, what: string) => {
    if (!guard(meta.consent)) throw consentRequired(what);
  };

  const all = (): Record<StoreName, unknown[]> => ({
    signals: signals.map((s) => structuredClone(s)),
    profile: profile ? [structuredClone(profile)] : [],
    cart: documents.cart ? [structuredClone(documents.cart)] : [],
    exposures: structuredClone(exposures),
    outbox: documents.outbox ? [structuredClone(documents.outbox)] : [],
    meta: Object.entries(meta).map(([key, value]) => ({ key, value: structuredClone(value) })),
  });

  const store: Store = {
    kind: 'memory',
    async appendSignals(events: TrackEvent[], retention, now, update, guard) {
      check(guard, 'appendSignals');
      const next = update(profile);
      for (const e of events) signals.push({ ...structuredClone(e), id: nextId++ });
      profile = next;
      pruneNow(retention, now);
      signals = within(signals, retention.maxSignals, signalBytes(retention));
    },
    async prune(retention, now) {
      pruneNow(retention, now);
    },
    async getProfile() {
      return profile && structuredClone(profile);
    },
    async get(name) {
      return structuredClone(documents[name]);
    },
    async update(name, change, guard) {
      check(guard, `update ${name}`);
      const next = change(structuredClone(documents[name]));
      documents[name] = next;
      return structuredClone(next);
    },
    async getMeta(key) {
      const value = meta[key];
      return value === undefined ? undefined : structuredClone(value);
    },
    async setMeta(key, value, guard) {
      check(guard, 'setMeta');
      meta[key] = structuredClone(value);
    },
    async deleteSignals(matches) {
      signals = signals.filter((s) => !matches(s));
    },
    async deleteMeta(keys) {
      for (const key of keys) delete meta[key];
    },
    async putProfile(next, guard) {
      check(guard, 'putProfile');
      profile = structuredClone(next);
    },
    async addExposure(record, guard) {
      check(guard, 'addExposure');
      exposures.push({ ...structuredClone(record), id: nextExposure++ });
      // Over the count the oldest impressions go (clicks, dismissals and conversions stay); over the bytes, the oldest.
      exposures = within(exposures, MAX_EXPOSURES, EXPOSURE_BYTES, (e) => e.kind === 'impression');
    },
    async exposuresSince(since) {
      return structuredClone(exposures.filter((e) => e.at >= since).sort((a, b) => a.at - b.at));
    },
    async pruneExposures(before) {
      exposures = exposures.filter((e) => e.at >= before);
    },
    async count(name) {
      return all()[name].length;
    },
    async clear(names) {
      for (const name of names) {
        if (name === 'signals') signals = [];
        if (name === 'profile') profile = undefined;
        if (name === 'cart' || name === 'outbox') delete documents[name];
        if (name === 'meta') meta = {};
        if (name === 'exposures') exposures = [];
      }
    },
    async dump() {
      return all();
    },
    async destroy() {
      await store.clear(STORE_NAMES);
    },
    async close() {},
  };
  return store;
}
