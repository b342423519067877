import { LAST_OFFERS_MAX_SLOTS, type Decision } from './protocol/decision';

/*
 * The page's copy of each slot's last offers (localStorage), so that a returning shopper's
 * offers are painted as soon as vitrine.js has run, before the engine has started: reading it
 * is synchronous, where the engine's own copy is in IndexedDB behind a Worker's start. The
 * renderer (src/render.ts) keeps what it painted of the engine's answers under
 * `personalization` consent; the page erases it with the engine's decisions: when that consent
 * is withdrawn (here or in another tab), on `privacy.forget()`, on a muted or stated interest,
 * and at each start whose stored decision does not allow it. The engine's answer always
 * replaces what was painted from it.
 */

const keyOf = (siteId: string) => `vitrine:${siteId}:offers`;

/** Storage may be off (a sandboxed frame, a blocked site) or full: the copy is only a head start. */
function attempt<T>(fn: (storage: Storage) => T): T | undefined {
  try {
    return fn(localStorage);
  } catch {
    return undefined;
  }
}

/** @returns every slot's last offers, for `privacy.export()` */
export const allLastOffers = (siteId: string): Record<string, Decision[]> => attempt((s) => JSON.parse(s.getItem(keyOf(siteId)) ?? '{}')) ?? {};

/** @returns the slot's last offers, or null (also for a copy another version wrote, or anything it cannot paint) */
export function readLastOffers(siteId: string, slot: string): Decision[] | null {
  const offers: unknown = allLastOffers(siteId)[slot];
  const paintable = (d: Partial<Decision> | null) => typeof d?.id === 'string' && typeof d.content?.title === 'string' && Array.isArray(d.reasons);
  return Array.isArray(offers) && offers.every(paintable) ? offers : null;
}

/** Keeps a slot's offers, in place of its last ones; the oldest slot goes beyond {@link LAST_OFFERS_MAX_SLOTS}. The caller checks the consent. */
export function keepLastOffers(siteId: string, slot: string, offers: readonly Decision[]): void {
  const { [slot]: _replaced, ...others } = allLastOffers(siteId);
  const slots = [...Object.entries(others).slice(1 - LAST_OFFERS_MAX_SLOTS), [slot, offers]];
  attempt((s) => s.setItem(keyOf(siteId), JSON.stringify(Object.fromEntries(slots))));
}

export const eraseLastOffers = (siteId: string): void => attempt((s) => s.removeItem(keyOf(siteId)));
