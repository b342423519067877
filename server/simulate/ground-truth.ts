/**
 * The closed loop's shop: a catalog of offers in one slot, some with two or three content
 * variants, and a seeded ground truth of how often each (offer, variant) is clicked and bought
 * by a shopper into each interest, spread as a real shop's (1–5% click-through). Nothing here
 * is read by the policies under test: they learn it, or not, from what their shoppers do.
 */
import type { Catalog } from '../../src/protocol/catalog';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { generator } from '../../worker/random';

/** The interests of the loop's shoppers: the categories of its offers. */
export const INTERESTS = ['trail-running', 'road-running', 'yoga', 'coffee'] as const;
/** One interest. */
export type Interest = (typeof INTERESTS)[number];

/** The true chances of one (offer, variant) for a shopper of each interest. */
export interface ArmTruth {
  offer: string;
  variant: string;
  /** Click-through rate by interest. */
  ctr: Record<Interest, number>;
  /** Chance a click ends in a purchase. */
  buyAfterClick: number;
}

/** The loop's site and slot. */
export const LOOP_SITE = 'loop-shop';
export const LOOP_SLOT = 'home-hero';

/**
 * The loop's catalog: three offers per interest in one slot, content variants on six of them,
 * learning on for the slot (its priors key is never checked here: the loop hands the priors
 * to the devices as they would be after their signature was checked).
 * @param learningWeight the catalog's `weights.learned`: the balance between relevance and the priors
 */
export function loopCatalog(learningWeight = 1): Catalog {
  const offers = INTERESTS.flatMap((interest, i) =>
    [0, 1, 2].map((n) => {
      const id = `${interest}-${n}`;
      const extra = n === 0 ? 2 : n === 1 && i % 2 === 0 ? 1 : 0;
      return {
        id,
        slot: LOOP_SLOT,
        categories: [interest],
        content: { title: `Offer ${id}` },
        variants: Array.from({ length: extra }, (_, v) => ({ id: `v${v + 1}`, weight: 100 / (extra + 1), content: { title: `Offer ${id}, take ${v + 2}` } })),
        weights: { affinity: 2, recency: 0, cartMatch: 0, pageMatch: 0, priceFit: 0, learned: learningWeight },
        // The merchant's guess of the order: not the truth's.
        priority: 10 - n,
      };
    }),
  );
  return validateCatalog({
    version: 'loop-1',
    siteId: LOOP_SITE,
    settings: { exploration: 0.05, diversity: 0, attributionWindowHours: 24 },
    learning: { priorsKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEloop0loop0loop0loop0loop0loop0loop0', offers: true, variants: true },
    offers,
  });
}

/**
 * The ground truth, seeded: per offer a base click-through rate of 1–2.5%, 1.3–2.5× for
 * shoppers into its category, and per content variant 0.7–1.5× its offer's, capped at 5%.
 * @param catalog the loop's catalog
 * @param seed the truth's seed
 */
export function groundTruth(catalog: Catalog, seed: number): ArmTruth[] {
  const random = generator(seed);
  const between = (a: number, b: number) => a + (b - a) * random();
  return catalog.offers.flatMap((offer) => {
    const base = between(0.01, 0.025);
    const lift = between(1.3, 2.5);
    const buyAfterClick = between(0.05, 0.15);
    return offer.variants.map((variant) => {
      const factor = variant.id === 'default' ? 1 : between(0.7, 1.5);
      const ctr = Object.fromEntries(INTERESTS.map((i) => [i, Math.min(0.05, base * factor * (offer.categories.includes(i) ? lift : 1))])) as Record<Interest, number>;
      return { offer: offer.id, variant: variant.id, ctr, buyAfterClick };
    });
  });
}

/**
 * The oracle's choice for each interest: the (offer, variant) with the highest true click-through rate.
 * @param truth the ground truth
 */
export function oracleChoice(truth: readonly ArmTruth[]): Record<Interest, ArmTruth> {
  return Object.fromEntries(INTERESTS.map((i) => [i, truth.reduce((best, t) => (t.ctr[i] > best.ctr[i] ? t : best))])) as Record<Interest, ArmTruth>;
}
