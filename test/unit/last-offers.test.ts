import { afterEach, describe, expect, it } from 'vitest';
import { allLastOffers, eraseLastOffers, keepLastOffers, readLastOffers } from '../../src/last-offers';
import { LAST_OFFERS_MAX_BYTES, LAST_OFFERS_MAX_SLOTS, type Decision } from '../../src/protocol/decision';

/*
 * The page's copy of the last offers (src/last-offers.ts) on its own: what it keeps, in what
 * order it lets slots go, and its bounds. How the SDK writes and erases it under consent is
 * tested in the browser (test/browser/last-offers.test.ts).
 */

const SITE = 'copy-shop';
const stored = () => localStorage.getItem(`vitrine:${SITE}:offers`);

function offer(id: string, body = ''): Decision {
  return { id, slot: 's', variant: 'default', content: { title: id, ...(body && { body }) }, score: 1, reasons: ['Featured by the shop'], arm: 'contextual', explored: false };
}

afterEach(() => localStorage.clear());

describe('the page’s copy of the last offers', () => {
  it('reads back what it kept, by slot, and nothing for a slot it does not hold', () => {
    keepLastOffers(SITE, 'home-hero', [offer('a'), offer('b')]);
    keepLastOffers(SITE, 'cart', [offer('c')]);
    expect(readLastOffers(SITE, 'home-hero')?.map((d) => d.id)).toEqual(['a', 'b']);
    expect(readLastOffers(SITE, 'elsewhere')).toBeNull();
    expect(Object.keys(allLastOffers(SITE)).sort()).toEqual(['cart', 'home-hero']);
    keepLastOffers(SITE, 'home-hero', [offer('d')]);
    expect(readLastOffers(SITE, 'home-hero')?.map((d) => d.id)).toEqual(['d']);
    eraseLastOffers(SITE);
    expect(stored()).toBeNull();
  });

  it('lets the slot kept longest ago go first, integer-like names included', () => {
    const slots = ['7', 'b', '3', ...Array.from({ length: LAST_OFFERS_MAX_SLOTS - 2 }, (_, i) => `s${i}`)];
    for (const slot of slots) keepLastOffers(SITE, slot, [offer(slot)]);
    // One more than it holds: '7', the oldest, goes (an object's key order would have dropped '3').
    expect(Object.keys(allLastOffers(SITE)).sort()).toEqual(slots.slice(1).sort());
    // Keeping a slot again makes it the newest.
    keepLastOffers(SITE, 'b', [offer('b2')]);
    keepLastOffers(SITE, 'one-more', [offer('x')]);
    expect(Object.keys(allLastOffers(SITE))).not.toContain('3');
    expect(readLastOffers(SITE, 'b')?.map((d) => d.id)).toEqual(['b2']);
  });

  it('stays within its byte budget, the oldest slots going first, and keeps none for offers bigger than all of it', () => {
    // About a fifth of the budget in UTF-8 (a tenth in characters): five slots are more than it holds.
    const body = 'é'.repeat(Math.floor(LAST_OFFERS_MAX_BYTES / 10));
    for (const slot of ['a', 'b', 'c', 'd', 'e']) keepLastOffers(SITE, slot, [offer(slot, body)]);
    expect(new Blob([stored()!]).size).toBeLessThanOrEqual(LAST_OFFERS_MAX_BYTES);
    expect(Object.keys(allLastOffers(SITE))).toEqual(['b', 'c', 'd', 'e']);

    keepLastOffers(SITE, 'e', [offer('huge', 'x'.repeat(LAST_OFFERS_MAX_BYTES))]);
    expect(allLastOffers(SITE)).toEqual({});
  });

  it('reads a copy it cannot paint, or one an earlier version wrote, as none', () => {
    for (const text of ['{"home-hero":[{"id":"a"}]}', 'not json', '[{"slot":"home-hero","offers":[{"id":"a"}]}]', '[{"slot":"home-hero","offers":"a"}]', '[null, 3]']) {
      localStorage.setItem(`vitrine:${SITE}:offers`, text);
      expect(readLastOffers(SITE, 'home-hero')).toBeNull();
    }
    // And keeping a slot over it replaces it.
    keepLastOffers(SITE, 'home-hero', [offer('a')]);
    expect(readLastOffers(SITE, 'home-hero')?.map((d) => d.id)).toEqual(['a']);
  });
});
