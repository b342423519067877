import type { Catalog, Offer } from '../../src/protocol/catalog';
import { FEATURES, type Feature, type FeatureSource, type RankInput } from './features';
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

/** The sentence for one feature that counted, if it has one to say. */
function sentenceFor(feature: Feature, catalog: Catalog, offer: Offer, source: FeatureSource, input: RankInput): string | undefined {
  if ((feature === 'affinity' || feature === 'recency') && source.category && source.interest) {
    const name = categoryLabel(catalog.categoryLabels, source.category);
    return source.interest.stated ? `Because you told us you like ${name}` : `Because you looked at ${name} ${input.now - source.interest.lastAt < 7 * DAY_MS ? 'this week' : 'recently'}`;
  }
  if (feature === 'cartMatch' && source.cartCategory) return `Because you have ${categoryLabel(catalog.categoryLabels, source.cartCategory)} in your cart`;
  if (feature === 'pageMatch') {
    const { category } = input.page;
    return category && offer.categories.includes(category) ? `Because you are looking at ${categoryLabel(catalog.categoryLabels, category)}` : 'Because it goes with the product you are looking at';
  }
  if (feature === 'priceFit') return 'Because it fits the prices you usually look at';
  // What other shoppers did, said as such: never as if it were this shopper's own behaviour.
  if (feature === 'learned') return 'Popular in this shop';
  return undefined;
}

/**
 * The sentences that say why an offer is shown ("Because you looked at yoga this week"),
 * from the features that added most to its score, at most MAX_REASONS of them. The features
 * are taken largest first (the earlier on a tie) by picking, not sorting: a decision makes no
 * array for it.
 * @param catalog the catalog, for category labels
 * @param offer the offer
 * @param contributions weight × feature, in {@link FEATURES} order
 * @param source where the personal and cart features came from
 * @param input what the decision knew
 * @returns one or two sentences, "Featured by the shop" when no feature counted
 */
export function reasonsFor(catalog: Catalog, offer: Offer, contributions: Float64Array, source: FeatureSource, input: RankInput): string[] {
  const out: string[] = [];
  let taken = 0;
  while (out.length < MAX_REASONS) {
    let next = -1;
    for (let k = 0; k < contributions.length; k++) {
      if (!(taken & (1 << k)) && contributions[k]! >= REASON_THRESHOLD && (next < 0 || contributions[k]! > contributions[next]!)) next = k;
    }
    if (next < 0) break;
    taken |= 1 << next;
    const sentence = sentenceFor(FEATURES[next]!, catalog, offer, source, input);
    if (sentence && !out.includes(sentence)) out.push(sentence);
  }
  if (!out.length) out.push('Featured by the shop');
  return out;
}
