import { describe, expect, it } from 'vitest';
import { CATALOG_DEFAULTS } from '../../src/protocol/catalog';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { compileCatalog } from '../../worker/decide/compile';
import { rank } from '../../worker/decide/rank';
import { FEATURE, FEATURES, PERSONAL, RECENCY_SCALE_MS, computeFeatures, type Feature, type PersonalView, type RankInput } from '../../worker/decide/features';
import { ExposureLog } from '../../worker/exposures';
import { testCatalog } from '../fixtures/catalog';

const NOW = Date.parse('2026-11-23T12:00:00Z');

const personal = (extra: Partial<PersonalView>): PersonalView => ({ interests: new Map(), band: null, visits: 1, purchases: {}, bought: {}, ...extra });
const input = (extra: Partial<RankInput>): RankInput => ({ now: NOW, personal: null, cart: { categories: new Set(), value: 0 }, page: {}, muted: new Set(), learned: null, ...extra });
const interestedInYoga = input({ personal: personal({ interests: new Map([['yoga', { strength: 0.8, lastAt: NOW - RECENCY_SCALE_MS, stated: false }]]) }) });

/**
 * For each feature, a decision in which that feature has a known value of its own, and the
 * sentence it gives. Typed by feature name, so a new feature cannot go untested.
 */
const CASES: Record<Feature, { input: RankInput; value: number; reason: string }> = {
  affinity: { input: interestedInYoga, value: 0.8, reason: 'Because you looked at yoga this week' },
  recency: { input: interestedInYoga, value: Math.exp(-1), reason: 'Because you looked at yoga this week' },
  cartMatch: { input: input({ cart: { categories: new Set(['yoga']), value: 30 } }), value: 1, reason: 'Because you have yoga in your cart' },
  pageMatch: { input: input({ page: { category: 'yoga' } }), value: 1, reason: 'Because you are looking at yoga' },
  priceFit: { input: input({ personal: personal({ band: { low: 10, high: 100 } }) }), value: Math.exp(-3 * Math.log10(5)), reason: 'Because it fits the prices you usually look at' },
  learned: { input: input({ learned: { version: 'p1', variants: new Map(), values: new Map([['mat', 0.4]]) } }), value: 0.4, reason: 'Popular in this shop' },
};

/** One yoga mat at 500, weighted on `feature` alone. */
function weightedOn(feature: Feature) {
  const weights = Object.fromEntries(FEATURES.map((name) => [name, name === feature ? 1 : 0]));
  return validateCatalog(
    testCatalog({
      offers: [{ id: 'mat', slot: 's', categories: ['yoga'], price: 500, content: { title: 'Mat' }, weights, priority: 0 }],
    }),
  );
}

describe('ranking features', () => {
  it('ranks with every weight a catalog may set', () => {
    expect([...FEATURES].sort()).toEqual(Object.keys(CATALOG_DEFAULTS.weights).sort());
  });

  it('places each feature at its position in FEATURES', () => {
    for (const [index, name] of FEATURES.entries()) expect(FEATURE[name]).toBe(index);
    expect(FEATURES.filter((_, index) => PERSONAL[index])).toEqual(['affinity', 'recency', 'priceFit']);
  });

  it.each(FEATURES)('scores the weight named %s against the feature of that name, and gives its reason', (feature) => {
    const { input: decisionInput, value, reason } = CASES[feature];
    const catalog = weightedOn(feature);
    const [decision] = rank(compileCatalog(catalog), 's', 1, decisionInput, new ExposureLog(), 1, 0);
    expect(decision!.score).toBeCloseTo(value, 3);
    expect(decision!.reasons).toEqual([reason]);
    const features = new Float64Array(FEATURES.length);
    computeFeatures(catalog.offers[0]!, decisionInput, true, features);
    expect(features[FEATURE[feature]]).toBeCloseTo(value, 12);
  });

  it('leaves personal features at 0 when they are not allowed', () => {
    const features = new Float64Array(FEATURES.length).fill(7);
    computeFeatures(weightedOn('affinity').offers[0]!, interestedInYoga, false, features);
    expect([...features]).toEqual(FEATURES.map(() => 0));
  });
});
