import type { Decision } from '../src/protocol/decision';
import { keptIfAllowed } from './storage/lifecycle';
import { mayKeepDecisions } from './purposes';
import { serial, type EngineState } from './state';

/*
 * The last decision per slot, owned here: kept on the device with personalization consent, so
 * that a page paints offers before the engine has ranked again (`cachedDecision`). The page
 * keeps a copy of what it rendered from them (src/last-offers.ts, synchronous to read, so it is
 * painted before the engine has even started) and erases it when these are erased.
 */

async function keep(s: EngineState): Promise<void> {
  if (mayKeepDecisions(s.consent) && s.store.kind === 'indexeddb') await keptIfAllowed(s, () => s.store.setMeta('decisions', s.decisions, mayKeepDecisions));
}

/**
 * How long the engine waits after a decision before it writes the decisions: a burst of
 * decisions (a page with several slots, a shopper browsing) is written once, and no decision
 * waits in the engine's queue behind the write of the one before.
 */
export const DECISIONS_WRITE_DELAY_MS = 100;

/**
 * Keeps a slot's new decision: in memory at once, and on the device once no decision has come
 * for {@link DECISIONS_WRITE_DELAY_MS}, in the engine's queue. Erasures, exports and `close`
 * write a waiting one first ({@link writeWaitingDecisions}), so a withdrawal still finds it
 * written and erases it (and the write checks the stored decision too).
 */
export function rememberDecision(s: EngineState, slot: string, ranked: Decision[]): void {
  s.decisions[slot] = ranked;
  clearTimeout(s.decisionsWrite);
  // A write that fails degrades storage and says so (guarded); the decision stays in memory either way.
  s.decisionsWrite = setTimeout(() => void serial(s, () => writeWaitingDecisions(s)).catch(() => undefined), DECISIONS_WRITE_DELAY_MS);
}

/** Writes the decisions now if a write is waiting. Runs in the engine's queue. */
export async function writeWaitingDecisions(s: EngineState): Promise<void> {
  if (s.decisionsWrite === undefined) return;
  clearTimeout(s.decisionsWrite);
  s.decisionsWrite = undefined;
  await keep(s);
}

/** Takes a dismissed offer out of every slot's decision. */
export async function withoutOffer(s: EngineState, offer: string): Promise<void> {
  const next: Record<string, Decision[]> = {};
  for (const [slot, ranked] of Object.entries(s.decisions)) next[slot] = ranked.filter((d) => d.id !== offer);
  s.decisions = next;
  await keep(s);
}

/**
 * Drops every decision: they were made under another consent decision or another profile (a
 * muted or stated interest), and are not painted again. In memory only: what is stored is
 * erased (without personalization) or overwritten by the next decision.
 */
export function clearDecisions(s: EngineState): void {
  s.decisions = {};
}
