import { describe, expect, it } from 'vitest';
import { FEATURE, FEATURES, type Feature, type FeatureSource, type RankInput } from '../../worker/decide/features';
import { reasonsFor } from '../../worker/decide/reasons';
import { testCatalog } from '../fixtures/catalog';
import { validateCatalog } from '../../src/protocol/validate-catalog';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const catalog = validateCatalog(testCatalog());
const offer = catalog.offers.find((o) => o.categories.includes('yoga'))!;
const input: RankInput = { now: NOW, personal: null, cart: { categories: new Set(['yoga']), value: 30 }, page: { category: 'yoga' }, muted: new Set(), learned: null };
const source: FeatureSource = { category: 'yoga', interest: { strength: 0.8, lastAt: NOW, stated: false }, cartCategory: 'yoga' };

/** What each feature added, by name; the others added nothing. */
const added = (values: Partial<Record<Feature, number>>) => {
  const contributions = new Float64Array(FEATURES.length);
  for (const [feature, value] of Object.entries(values)) contributions[FEATURE[feature as Feature]] = value;
  return contributions;
};

// Reasons are picked from the contributions (worker/decide/reasons.ts), not sorted: these pin the
// order a sort gave, which shoppers read.
describe('the reasons an offer gives', () => {
  it('says what added most first, then the next', () => {
    expect(reasonsFor(catalog, offer, added({ priceFit: 0.2, cartMatch: 0.9, pageMatch: 0.4 }), source, input)).toEqual(['Because you have yoga in your cart', 'Because you are looking at yoga']);
  });

  it('gives a tie to the feature that comes first, and never says a sentence twice', () => {
    // affinity and recency both say "looked at yoga": once; cartMatch and pageMatch tie, cartMatch comes first.
    expect(reasonsFor(catalog, offer, added({ affinity: 0.5, recency: 0.5, cartMatch: 0.3, pageMatch: 0.3 }), source, input)).toEqual([
      'Because you looked at yoga this week',
      'Because you have yoga in your cart',
    ]);
  });

  it('leaves out what added too little, and is featured by the shop when nothing counted', () => {
    expect(reasonsFor(catalog, offer, added({ learned: 0.6, priceFit: 0.04 }), source, input)).toEqual(['Popular in this shop']);
    expect(reasonsFor(catalog, offer, added({ cartMatch: -1 }), source, input)).toEqual(['Featured by the shop']);
  });
});
