import { LAST_OFFERS_MAX_BYTES, LAST_OFFERS_MAX_SLOTS, type Decision } from './protocol/decision';
import { inStorage, pageKey } from './page-storage';

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

/** What is kept: one entry per slot, the oldest first (a list, as an object would put integer-like slot names first). */
type Copy = { slot: string; offers: Decision[] }[];

function copyOf(siteId: string): Copy {
  const copy: unknown = inStorage('localStorage', (s) => JSON.parse(s.getItem(pageKey(siteId, 'offers')) ?? '[]'));
  return Array.isArray(copy) ? copy.filter((entry) => typeof entry?.slot === 'string') : [];
}

/** @returns every slot's last offers, for `privacy.export()` */
export const allLastOffers = (siteId: string): Record<string, Decision[]> => Object.fromEntries(copyOf(siteId).map((entry) => [entry.slot, entry.offers]));

/** @returns the slot's last offers, or null (also for a copy another version wrote, or anything it cannot paint) */
export function readLastOffers(siteId: string, slot: string): Decision[] | null {
  const offers: unknown = allLastOffers(siteId)[slot];
  const paintable = (d: Partial<Decision> | null) => typeof d?.id === 'string' && typeof d.content?.title === 'string' && Array.isArray(d.reasons);
  return Array.isArray(offers) && offers.every(paintable) ? offers : null;
}

/**
 * Keeps a slot's offers, in place of its last ones. The oldest slots go beyond
 * {@link LAST_OFFERS_MAX_SLOTS} or {@link LAST_OFFERS_MAX_BYTES} (all of them, for offers bigger
 * than the whole budget). The caller checks the consent.
 */
export function keepLastOffers(siteId: string, slot: string, offers: readonly Decision[]): void {
  const copy = [...copyOf(siteId).filter((entry) => entry.slot !== slot), { slot, offers }].slice(-LAST_OFFERS_MAX_SLOTS);
  while (new Blob([JSON.stringify(copy)]).size > LAST_OFFERS_MAX_BYTES) copy.shift();
  inStorage('localStorage', (s) => s.setItem(pageKey(siteId, 'offers'), JSON.stringify(copy)));
}

export const eraseLastOffers = (siteId: string): void => inStorage('localStorage', (s) => s.removeItem(pageKey(siteId, 'offers')));
