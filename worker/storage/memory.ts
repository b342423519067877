import type { TrackEvent } from '../../src/protocol/events';
import type { Profile } from '../profile';
import {
  MAX_EXPOSURES, STORE_NAMES, consentRequired, signalCutoff,
  type Documents, type ExposureRecord, type Guard, type MetaValues, type Retention, type SignalRecord, type Store, type StoreName,
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
  let documents: Partial<Documents> = {};
  let meta: Partial<MetaValues> = {};
  let exposures: ExposureRecord[] = [];
  let nextExposure = 1;

  const pruneNow = (retention: Retention, now: number) => {
    const cutoff = signalCutoff(retention, now);
    signals = signals.filter((s) => s.at >= cutoff);
    if (signals.length > retention.maxSignals) signals = signals.slice(signals.length - retention.maxSignals);
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
      // Over the cap the oldest impression goes (clicks, dismissals and conversions stay). A
      // memory store starts empty, so one add never leaves more than one over.
      if (exposures.length > MAX_EXPOSURES) {
        const oldest = exposures.reduce<ExposureRecord | undefined>((o, e) => (e.kind === 'impression' && (!o || e.at < o.at) ? e : o), undefined);
        if (oldest) exposures.splice(exposures.indexOf(oldest), 1);
      }
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
    close() {},
  };
  return store;
}
