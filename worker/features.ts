import type { DecideContext } from '../src/protocol/decision';
import type { Offer } from '../src/protocol/catalog';
import { interestStrength, priceBand, STATED_STRENGTH, type Profile } from './profile';

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
 *
 * Personal features are 0 without `personalization` consent, in the holdout's baseline arm,
 * and for `sensitive` offers.
 */
export const FEATURES = ['affinity', 'recency', 'cartMatch', 'pageMatch', 'priceFit'] as const;
export const PERSONAL: readonly boolean[] = [true, true, false, false, true];
export const PRIORITY_SCALE = 0.01;

const DAY = 86_400_000;
export const RECENCY_SCALE_MS = 3 * DAY;

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
}

/**
 * What ranking may use of the profile, with muted categories already gone.
 * @param profile the stored profile
 * @param now the time of the decision
 * @param muted categories the shopper muted
 */
export function personalView(profile: Profile, now: number, muted: Set<string>): PersonalView {
  const interests = new Map<string, InterestView>();
  for (const [category, a] of Object.entries(profile.categories)) {
    if (muted.has(category)) continue;
    const strength = interestStrength(a, now);
    if (strength > 0.01) interests.set(category, { strength, lastAt: a.at, stated: false });
  }
  for (const [category, at] of Object.entries(profile.stated ?? {})) {
    if (muted.has(category)) continue;
    const mine = interests.get(category);
    if (!mine || mine.strength < STATED_STRENGTH) interests.set(category, { strength: STATED_STRENGTH, lastAt: mine?.lastAt ?? at, stated: true });
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
 * Computes an offer's features into `out` (in {@link FEATURES} order).
 * @returns where the personal and cart features came from
 */
export function computeFeatures(offer: Offer, input: RankInput, personalAllowed: boolean, out: Float64Array): FeatureSource {
  out.fill(0);
  const source: FeatureSource = { category: undefined, interest: undefined, cartCategory: undefined };
  const { personal, cart, page } = input;
  for (const c of offer.categories) {
    if (cart.categories.has(c)) {
      out[2] = 1;
      source.cartCategory = c;
    }
    if (page.category === c) out[3] = 1;
    if (personalAllowed && personal) {
      const i = personal.interests.get(c);
      if (i && i.strength > out[0]!) {
        out[0] = i.strength;
        source.category = c;
        source.interest = i;
      }
    }
  }
  if (page.sku !== undefined && offer.skus.includes(page.sku)) out[3] = 1;
  if (source.interest) out[1] = Math.exp(-Math.max(0, input.now - source.interest.lastAt) / RECENCY_SCALE_MS);
  if (personalAllowed && personal?.band && offer.price) {
    const { low, high } = personal.band;
    const p = offer.price;
    const distance = p < low ? Math.log10(low / p) : p > high ? Math.log10(p / high) : 0;
    out[4] = Math.exp(-3 * distance);
  }
  return source;
}
