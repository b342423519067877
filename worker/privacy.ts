import { VitrineError } from '../src/protocol/errors';
import type { ExportedData, KeptData } from '../src/protocol/engine';
import { REPORT_KEEP_MS } from '../src/protocol/report';
import { LAST_OFFERS_MAX_BYTES, LAST_OFFERS_MAX_SLOTS, type Interest } from '../src/protocol/decision';
import { toCart } from '../src/protocol/cart-rules';
import { HALF_LIFE_MS, emptyProfile, type Profile } from './profile';
import { PURPOSES_OF, keptAnyway, mayKeepSignals } from './purposes';
import { exposureKeepMs } from './signals';
import { decideChunk } from './chunks';
import { clearDecisions, writeWaitingDecisions } from './decisions';
import { EXPOSURE_BYTES, signalBytes } from './storage/budget';
import { guarded, keptIfAllowed, resetAfterForget, ERASED } from './storage/lifecycle';
import { MAX_EXPOSURES } from './storage/store';
import type { EngineConfig, EngineState } from './state';
import { DAY_MS } from '../src/protocol/time';

/*
 * The shopper's privacy operations: their interests, muting and stating one, export and
 * erasure. The interest logic itself is in the decide chunk (worker/decide/interests.ts).
 */

/** @param call the public call, which the message names */
function checkCategory(category: unknown, call: string): string {
  if (typeof category !== 'string' || category.length === 0 || category.length > 100) {
    throw new VitrineError('invalid-payload', `${call}: expected a non-empty string of at most 100 characters`);
  }
  return category;
}

/** The profile as stored, or an empty one. */
export async function profileNow(s: EngineState): Promise<Profile> {
  return (await guarded(s, () => s.store.getProfile())) ?? emptyProfile(Date.now());
}

/** The interests the profile uses, with their strength and source, muted ones included. */
export async function interests(s: EngineState, cfg: EngineConfig): Promise<Interest[]> {
  const d = await decideChunk(cfg);
  const profile = s.consent.purposes.personalization ? await profileNow(s) : null;
  return d.interestsOf(profile, Date.now(), s.muted, s.catalog.current?.categoryLabels ?? {});
}

/** Mutes an interest: never used, never shown, and taken out of the profile and the raw signals, not merely hidden. */
export async function mute(s: EngineState, cfg: EngineConfig, category: unknown): Promise<void> {
  const d = await decideChunk(cfg);
  const c = checkCategory(category, 'privacy.mute');
  s.muted.add(c);
  clearDecisions(s);
  if (s.consent.decided) await guarded(s, () => s.store.setMeta('muted', [...s.muted], keptAnyway));
  if (s.consent.purposes.personalization) await keptIfAllowed(s, () => d.forgetCategory(s.store, c, mayKeepSignals));
  s.sync?.post({ t: 'muted', muted: [...s.muted] });
}

/** States an interest (unmuting it if it was muted). Needs personalization consent. */
export async function prefer(s: EngineState, cfg: EngineConfig, category: unknown): Promise<void> {
  const d = await decideChunk(cfg);
  const c = checkCategory(category, 'privacy.prefer');
  if (!s.consent.purposes.personalization) {
    throw new VitrineError('consent-required', 'privacy.prefer: needs personalization consent');
  }
  if (s.muted.delete(c)) {
    await guarded(s, () => s.store.setMeta('muted', [...s.muted], keptAnyway));
    s.sync?.post({ t: 'muted', muted: [...s.muted] });
  }
  await keptIfAllowed(s, () => d.stateInterest(s.store, c, Date.now(), mayKeepSignals));
  clearDecisions(s);
}

/** Why each kind of data is kept and for how long, under this site's options. */
function keptData(cfg: EngineConfig): KeptData[] {
  const days: Partial<Record<KeptData['data'], number>> = {
    signals: cfg.retention.maxAgeDays,
    cart: cfg.cartTtlDays,
    exposures: exposureKeepMs(cfg) / DAY_MS,
    outbox: REPORT_KEEP_MS / DAY_MS,
  };
  return (Object.keys(PURPOSES_OF) as KeptData['data'][]).map((data) => ({
    data,
    purposes: [...PURPOSES_OF[data]],
    days: days[data] ?? null,
    ...(data === 'profile' && { halfLifeDays: HALF_LIFE_MS / DAY_MS }),
    ...(data === 'signals' && { maxRecords: cfg.retention.maxSignals, maxBytes: signalBytes(cfg.retention) }),
    ...(data === 'exposures' && { maxRecords: MAX_EXPOSURES, maxBytes: EXPOSURE_BYTES }),
    ...(data === 'lastOffers' && { maxRecords: LAST_OFFERS_MAX_SLOTS, maxBytes: LAST_OFFERS_MAX_BYTES }),
  }));
}

/** Everything stored on this device, and what is held in memory only. */
export async function exportData(s: EngineState, cfg: EngineConfig): Promise<ExportedData> {
  return {
    exportedAt: new Date().toISOString(),
    siteId: cfg.siteId,
    storage: s.store.kind,
    stores: await guarded(s, () => s.store.dump()),
    memory: { cart: toCart(s.cart, s.restored), undecidedSignals: structuredClone(s.undecidedSignals) },
    kept: keptData(cfg),
  };
}

/**
 * Erases the site's database and everything in memory, here and in the other tabs. Not
 * guarded: if the erasure fails, the shopper must hear so.
 * @returns why storage is in memory now
 */
export async function forget(s: EngineState): Promise<string> {
  s.sync?.post({ t: 'forget' });
  await writeWaitingDecisions(s);
  await s.store.destroy();
  resetAfterForget(s);
  return ERASED;
}
