import type { Catalog, Offer } from '../../src/protocol/catalog';
import { FEATURES, type FeatureSource, type RankInput } from './features';
import { DAY_MS } from '../../src/protocol/time';

/** A feature must add at least this much to the score to be given as a reason. */
const REASON_THRESHOLD = 0.05;
const MAX_REASONS = 2;

/** The reason given for an offer that exploration put in the slate. */
export const EXPLORATION_REASON = 'Something different, to help you discover more of the shop';

/**
 * What a shopper reads for a category: the catalog's label, else its id in words.
 * @param labels the catalog's `categoryLabels`
 * @param category the category id
 * @returns the label
 */
export function categoryLabel(labels: Readonly<Record<string, string>>, category: string): string {
  return labels[category] ?? category.replace(/[-_]+/g, ' ');
}

/**
 * The sentences that say why an offer is shown ("Because you looked at yoga this week"),
 * from the features that added most to its score, at most MAX_REASONS of them.
 * @param catalog the catalog, for category labels
 * @param offer the offer
 * @param contributions weight × feature, in {@link FEATURES} order
 * @param source where the personal and cart features came from
 * @param input what the decision knew
 * @returns one or two sentences, "Featured by the shop" when no feature counted
 */
export function reasonsFor(catalog: Catalog, offer: Offer, contributions: Float64Array, source: FeatureSource, input: RankInput): string[] {
  const { now, page } = input;
  const order = [...contributions.keys()].filter((i) => contributions[i]! >= REASON_THRESHOLD).sort((a, b) => contributions[b]! - contributions[a]!);
  const out: string[] = [];
  for (const i of order) {
    let sentence: string | undefined;
    const feature = FEATURES[i];
    if ((feature === 'affinity' || feature === 'recency') && source.category && source.interest) {
      const name = categoryLabel(catalog.categoryLabels, source.category);
      sentence = source.interest.stated ? `Because you told us you like ${name}` : `Because you looked at ${name} ${now - source.interest.lastAt < 7 * DAY_MS ? 'this week' : 'recently'}`;
    } else if (feature === 'cartMatch' && source.cartCategory) {
      sentence = `Because you have ${categoryLabel(catalog.categoryLabels, source.cartCategory)} in your cart`;
    } else if (feature === 'pageMatch') {
      sentence =
        page.category && offer.categories.includes(page.category)
          ? `Because you are looking at ${categoryLabel(catalog.categoryLabels, page.category)}`
          : 'Because it goes with the product you are looking at';
    } else if (feature === 'priceFit') {
      sentence = 'Because it fits the prices you usually look at';
    } else if (feature === 'learned') {
      // What other shoppers did, said as such: never as if it were this shopper's own behaviour.
      sentence = 'Popular in this shop';
    }
    if (sentence && !out.includes(sentence)) out.push(sentence);
    if (out.length === MAX_REASONS) break;
  }
  if (!out.length) out.push('Featured by the shop');
  return out;
}
