import { inStorage, pageKey } from './page-storage';
import { MINUTE_MS } from './protocol/time';

/*
 * When this tab last showed a page of the shop, so that a cart "restored" means one from an
 * earlier visit: the first page of a tab (a browser restart, a new tab) or a page after
 * {@link VISIT_GAP_MS} without one. A time in sessionStorage, kept only with `functional`
 * consent (which the cart it is about needs anyway) and erased when it goes.
 */

/** A page this long after the tab's last one starts a new visit, as analytics counts sessions. */
export const VISIT_GAP_MS = 30 * MINUTE_MS;

/** @returns when this tab last showed a page of the shop (ms since the epoch), or null */
export const lastSeen = (siteId: string): number | null => Number(inStorage('sessionStorage', (s) => s.getItem(pageKey(siteId, 'seen')))) || null;

/** @returns whether this page continues the tab's visit: it showed a page of the shop less than {@link VISIT_GAP_MS} ago */
export function visitContinues(siteId: string, now = Date.now()): boolean {
  const at = lastSeen(siteId);
  return at !== null && now - at < VISIT_GAP_MS;
}

/**
 * Notes this page as the tab's last, or erases the note without `functional` consent.
 * @param functional whether the shopper's decision allows it
 */
export function markSeen(siteId: string, functional: boolean): void {
  inStorage('sessionStorage', (s) => (functional ? s.setItem(pageKey(siteId, 'seen'), String(Date.now())) : s.removeItem(pageKey(siteId, 'seen'))));
}
