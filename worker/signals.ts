import type { TrackEvent } from '../src/protocol/events';
import { updateProfile } from './profile';
import { EXPOSURE_KEEP_MS } from './exposures';
import { guarded, keptIfAllowed } from './storage/lifecycle';
import { mayKeepSignals } from './purposes';
import type { EngineConfig, EngineState } from './state';
import { DAY_MS, HOUR_MS } from '../src/protocol/time';

/** Signals kept in memory while the shopper has not decided yet; the oldest go first. */
const MAX_UNDECIDED_SIGNALS = 200;
/** How often old signals and exposures are swept out while the page stays open. */
const PRUNE_EVERY_MS = HOUR_MS;

/** How long exposures stay on the device: a week (caps), or a report window and a day when longer. */
export function exposureKeepMs(cfg: EngineConfig): number {
  return Math.max(EXPOSURE_KEEP_MS, cfg.reportWindow + DAY_MS);
}

/**
 * Keeps tracked signals as consent allows: in memory (bounded) before a decision, in the
 * signals ring and the profile with personalization, nowhere without it.
 * @returns how many signals were stored
 */
export async function keepSignals(s: EngineState, cfg: EngineConfig, signals: TrackEvent[]): Promise<number> {
  if (!s.consent.decided) {
    s.undecidedSignals.push(...signals);
    s.undecidedSignals.splice(0, Math.max(0, s.undecidedSignals.length - MAX_UNDECIDED_SIGNALS));
    return 0;
  }
  if (!s.consent.purposes.personalization) return 0;
  return appendSignals(s, cfg, signals);
}

/**
 * Appends signals and updates the profile in one transaction, then, at most once an hour,
 * sweeps out what retention no longer allows.
 * @returns how many signals were stored
 */
export async function appendSignals(s: EngineState, cfg: EngineConfig, events: TrackEvent[]): Promise<number> {
  const now = Date.now();
  const kept = await keptIfAllowed(s, () => s.store.appendSignals(events, cfg.retention, now, (p) => updateProfile(p, events, s.muted), mayKeepSignals).then(() => true));
  // Another tab withdrew personalization a moment ago: its message is on the way.
  if (!kept) return 0;
  if (now - s.lastPrune > PRUNE_EVERY_MS) await prune(s, cfg, now);
  return events.length;
}

/** Sweeps out signals past retention and exposures past their keeping time. */
export async function prune(s: EngineState, cfg: EngineConfig, now: number): Promise<void> {
  s.lastPrune = now;
  s.exposures.prune(now);
  await guarded(s, () => s.store.prune(cfg.retention, now));
  await guarded(s, () => s.store.pruneExposures(now - exposureKeepMs(cfg)));
}
