import type { DecideContext } from '../../src/protocol/decision';
import type { FeatureWeights, Offer } from '../../src/protocol/catalog';
import { interestStrength, priceBand, STATED_STRENGTH, type Profile } from '../profile';
import type { LearnedDraws } from './learned';
import { DAY_MS } from '../../src/protocol/time';

/**
 * The ranking features, defined here and only here. Each is a number in [0, 1]; an offer's
 * score is the sum of its catalog weights times these, plus its priority / 100.
 *
 * | feature | personal | meaning |
 * |---|---|---|
 * | affinity | yes | interest in the offer's categories: browsing (decayed, 2-week half-life) or stated by the shopper |
 * | recency | yes | how recently that interest showed: 1 now, 0.37 after 3 days |
 * | cartMatch | no | the cart holds something in the offer's categories |
 * | pageMatch | no | the page is about the offer's category or one of its products |
 * | priceFit | yes | the offer's price sits in the price band the shopper looks at |
 * | learned | no | how far the offer's click-through rate drawn from the collector's priors is above its slot's mean (worker/learn/thompson.ts) |
 *
 * Personal features are 0 without `personalization` consent, in the holdout's baseline arm,
 * and for `sensitive` offers. `learned` is 0 in the baseline arm, for offers that do not learn
 * and without priors. Weights and feature values are laid out in this order; code
 * finds a feature through {@link FEATURE}, never by a number.
 */
export const FEATURES = ['affinity', 'recency', 'cartMatch', 'pageMatch', 'priceFit', 'learned'] as const satisfies readonly (keyof FeatureWeights)[];

/** A ranking feature's name. */
export type Feature = (typeof FEATURES)[number];

/** Each feature's position in {@link FEATURES}, so in an offer's weights and features. */
export const FEATURE = Object.fromEntries(FEATURES.map((name, index) => [name, index])) as { readonly [F in Feature]: number };

// Every catalog weight must say whether it is personal, so a new one cannot be left out here.
const IS_PERSONAL: Record<keyof FeatureWeights, boolean> = { affinity: true, recency: true, cartMatch: false, pageMatch: false, priceFit: true, learned: false };

/** Whether each feature (in {@link FEATURES} order) comes from the profile. */
export const PERSONAL: readonly boolean[] = FEATURES.map((name) => IS_PERSONAL[name]);

/** What one point of priority adds to a score. */
export const PRIORITY_SCALE = 0.01;

/** The time over which `recency` falls to 1/e (0.37). */
export const RECENCY_SCALE_MS = 3 * DAY_MS;

/** `recency` of an interest last seen at `lastAt`: 1 now, 1/e after {@link RECENCY_SCALE_MS}. */
export const recencyOf = (now: number, lastAt: number): number => Math.exp(-Math.max(0, now - lastAt) / RECENCY_SCALE_MS);

/** `priceFit` of a price `decades` (log10) outside the shopper's band: 1 inside it, 0.74 at 26 % beyond it (a tenth of a decade), 0.05 at ten times. */
export const priceFitOf = (decades: number): number => Math.exp(-3 * decades);

/** One interest as ranking sees it. */
export interface InterestView {
  strength: number;
  lastAt: number;
  stated: boolean;
}

/** What ranking may know about the shopper; null without personalization. */
export interface PersonalView {
  interests: Map<string, InterestView>;
  band: { low: number; high: number } | null;
  visits: number;
  purchases: Record<string, number>;
  bought: Record<string, number>;
}

/** Everything one decision is computed from. */
export interface RankInput {
  now: number;
  personal: PersonalView | null;
  cart: { categories: Set<string>; value: number };
  page: DecideContext;
  muted: Set<string>;
  /** What the device drew from the collector's priors; null without usable priors (and in the baseline arm). */
  learned: LearnedDraws | null;
}

/**
 * What ranking may use of the profile, with muted categories already gone.
 * @param profile the stored profile
 * @param now the time of the decision
 * @param muted categories the shopper muted
 * @returns the view of the profile a decision uses
 */
export function personalView(profile: Profile, now: number, muted: Set<string>): PersonalView {
  const interests = new Map<string, InterestView>();
  for (const [category, affinity] of Object.entries(profile.categories)) {
    if (muted.has(category)) continue;
    const strength = interestStrength(affinity, now);
    if (strength > 0.01) interests.set(category, { strength, lastAt: affinity.at, stated: false });
  }
  for (const [category, at] of Object.entries(profile.stated ?? {})) {
    if (muted.has(category)) continue;
    const browsed = interests.get(category);
    if (!browsed || browsed.strength < STATED_STRENGTH) interests.set(category, { strength: STATED_STRENGTH, lastAt: browsed?.lastAt ?? at, stated: true });
  }
  return { interests, band: priceBand(profile), visits: profile.visits, purchases: profile.purchases, bought: profile.bought ?? {} };
}

/** The category an offer's personal features came from, for the reasons. */
export interface FeatureSource {
  category: string | undefined;
  interest: InterestView | undefined;
  cartCategory: string | undefined;
}

/**
 * Computes an offer's features into `out` (in {@link FEATURES} order). Ranking scores offers
 * from compiled arrays; this is the same arithmetic per offer, for the few whose reasons are
 * worked out.
 * @param offer the offer
 * @param input what the decision may know
 * @param personalAllowed whether personal features may be non-zero for this offer
 * @param out where the features go, `FEATURES.length` long
 * @returns where the personal and cart features came from
 */
export function computeFeatures(offer: Offer, input: RankInput, personalAllowed: boolean, out: Float64Array): FeatureSource {
  out.fill(0);
  const source: FeatureSource = { category: undefined, interest: undefined, cartCategory: undefined };
  const { personal, cart, page } = input;
  // Indexed, as every loop a decision runs: before its code is optimized, an iterator costs an allocation per step.
  for (let k = 0; k < offer.categories.length; k++) {
    const category = offer.categories[k]!;
    if (cart.categories.has(category)) {
      out[FEATURE.cartMatch] = 1;
      source.cartCategory = category;
    }
    if (page.category === category) out[FEATURE.pageMatch] = 1;
    if (personalAllowed && personal) {
      const interest = personal.interests.get(category);
      if (interest && interest.strength > out[FEATURE.affinity]!) {
        out[FEATURE.affinity] = interest.strength;
        source.category = category;
        source.interest = interest;
      }
    }
  }
  if (page.sku !== undefined && offer.skus.includes(page.sku)) out[FEATURE.pageMatch] = 1;
  out[FEATURE.learned] = input.learned?.values.get(offer.id) ?? 0;
  if (source.interest) out[FEATURE.recency] = recencyOf(input.now, source.interest.lastAt);
  if (personalAllowed && personal?.band && offer.price) {
    const { low, high } = personal.band;
    const price = offer.price;
    const distance = price < low ? Math.log10(low / price) : price > high ? Math.log10(price / high) : 0;
    out[FEATURE.priceFit] = priceFitOf(distance);
  }
  return source;
}
