import type { ConsentState } from '../src/protocol/consent';
import type { MetaValues, StoreName } from './storage/store';
import { guarded, keptIfAllowed, openStore } from './storage/lifecycle';
import { keptAnyway, mayKeepCart, mayKeepCatalog, mayKeepExposures, mayKeepSeed, mayKeepSignals, mayReport } from './purposes';
import { appendSignals } from './signals';
import { keepSessionCart } from './cart-sync';
import { saveCatalog } from './catalog-cache';
import { clearDecisions, writeWaitingDecisions } from './decisions';
import { startReports } from './chunks';
import { configOf, persistentCart, type EngineState } from './state';

/*
 * Consent enforcement on the device (docs/ARCHITECTURE.md, "Consent"): before a decision
 * nothing is written (the database is not even created); what a decision does not allow is
 * erased before the call returns, and again at every start.
 */

/** Erases everything `c` does not allow. Idempotent; errors propagate (an erasure must not fail quietly). */
export async function enforce(s: EngineState, c: ConsentState): Promise<void> {
  await writeWaitingDecisions(s);
  const stores: StoreName[] = [];
  const meta: (keyof MetaValues)[] = [];
  if (!mayKeepSignals(c)) stores.push('signals', 'profile'), meta.push('decisions');
  if (!mayKeepCart(c)) stores.push('cart');
  if (!mayReport(c)) stores.push('outbox'), meta.push('reportDomains');
  if (!mayKeepExposures(c)) stores.push('exposures');
  if (!mayKeepSeed(c)) meta.push('seed'), (s.seedStored = false);
  if (!mayKeepCatalog(c)) meta.push('catalog', 'priors');
  await s.store.clear(stores);
  await s.store.deleteMeta(meta);
  if (!mayKeepSignals(c)) clearDecisions(s);
}

const samePurposes = (a: ConsentState, b: ConsentState) => a.decided === b.decided && (Object.keys(a.purposes) as (keyof ConsentState['purposes'])[]).every((p) => a.purposes[p] === b.purposes[p]);

/**
 * Applies a consent decision: opens storage at the first one, records it, erases what it does
 * not allow, keeps what it newly allows (the signals tracked meanwhile, the session's cart, the
 * seed), and starts reporting with measurement.
 * @param fromOtherTab the decision was made in another tab, which has recorded and told it
 */
export async function applyConsent(s: EngineState, next: ConsentState, fromOtherTab: boolean): Promise<void> {
  const cfg = configOf(s);
  const prev = s.consent;
  if (next.decided && s.openOnDecision) {
    await openStore(s, cfg);
    s.emit({ type: 'storage', storage: s.store.kind, ...(s.storageReason ? { reason: s.storageReason } : {}) });
  }
  s.consent = next;
  // Offers decided under another decision are not painted again.
  if (!samePurposes(prev, next)) clearDecisions(s);
  // The record first: a tab still on the old decision checks it inside its own writes,
  // and a start after a crash between the two steps erases what the record forbids.
  if (next.decided && !fromOtherTab) await guarded(s, () => s.store.setMeta('consent', next, keptAnyway));
  if (next.decided) await enforce(s, next);

  if (next.purposes.personalization && s.undecidedSignals.length) await appendSignals(s, cfg, s.undecidedSignals);
  if (next.decided) s.undecidedSignals = [];
  if (!prev.purposes.functional && persistentCart(s)) await keepSessionCart(s, cfg);
  if (mayKeepSeed(next) && !s.seedStored && s.store.kind === 'indexeddb') {
    s.seedStored = (await keptIfAllowed(s, () => s.store.setMeta('seed', s.seed, mayKeepSeed).then(() => true))) ?? false;
  }
  if (next.decided && s.muted.size) await guarded(s, () => s.store.setMeta('muted', [...s.muted], keptAnyway));
  if (next.decided && !fromOtherTab) await saveCatalog(s, cfg);
  if (!fromOtherTab) s.sync?.post({ t: 'consent', consent: next });
  startReports(s, cfg);
}
