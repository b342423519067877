import type { Catalog, Offer } from '../../src/protocol/catalog';
import { FEATURES, PRIORITY_SCALE } from './features';

/**
 * A catalog prepared for ranking, once per catalog version: per slot, the offers' weights,
 * categories (as small integers), priorities and prices in flat typed arrays, so a decision
 * over thousands of offers is a tight loop with no string work and no allocation per offer.
 */
export interface CompiledCatalog {
  catalog: Catalog;
  /** Category id by name, over the whole catalog. */
  categoryIds: Map<string, number>;
  bySlot: Map<string, CompiledSlot>;
  /** The shopper's interest per category id, written by each decision (its strength, how recent it is). */
  scratch: { strength: Float64Array; recency: Float64Array };
}

/** One slot's offers, as ranking reads them; arrays are indexed by the offer's position in the slot. */
export interface CompiledSlot {
  offers: Offer[];
  /** Catalog position of each offer, for stable ties. */
  catalogIndex: Int32Array;
  /** `FEATURES.length` weights per offer, in {@link FEATURES} order. */
  weights: Float64Array;
  /** The offer's categories: ids in `categories`, from `categoryStart[i]` to `categoryStart[i + 1]`. */
  categoryStart: Int32Array;
  categories: Int32Array;
  /** What the offer's priority adds to its score. */
  priorityScore: Float64Array;
  /** log10 of the offer's price, NaN without one. */
  logPrice: Float64Array;
  /** {@link RULES} and {@link SENSITIVE} bits per offer. */
  flags: Uint8Array;
  /**
   * The highest score the offer can reach without its `learned` feature (every feature is at
   * most 1), so ranking skips the offers that cannot enter its pool.
   */
  bound: Float64Array;
  /** What one decision writes, kept between decisions so that ranking allocates nothing per offer. */
  scratch: { scores: Float64Array; eligible: Int32Array; flags: Uint8Array };
  /** Offer position by id; the offers that promote a SKU, and those in a category. */
  byId: Map<string, number>;
  bySku: Map<string, number[]>;
  byCategory: Map<string, number[]>;
}

/** An offer that needs the full eligibility check (any rule beyond the defaults). */
export const RULES = 1;
/** A sensitive offer: personal features never count for it. */
export const SENSITIVE = 2;

/**
 * Prepares a validated catalog for ranking. Done once per catalog version, so a decision
 * never re-reads the document.
 * @param catalog a validated catalog
 * @returns the catalog in the shape ranking reads
 */
export function compileCatalog(catalog: Catalog): CompiledCatalog {
  const categoryIds = new Map<string, number>();
  const categoryId = (category: string) => categoryIds.get(category) ?? (categoryIds.set(category, categoryIds.size), categoryIds.size - 1);
  const grouped = new Map<string, { offer: Offer; index: number }[]>();
  catalog.offers.forEach((offer, index) => {
    const list = grouped.get(offer.slot) ?? [];
    list.push({ offer, index });
    grouped.set(offer.slot, list);
  });
  const bySlot = new Map<string, CompiledSlot>();
  for (const [slot, list] of grouped) {
    const n = list.length;
    const categoryStart = new Int32Array(n + 1);
    const categories: number[] = [];
    const compiled: CompiledSlot = {
      offers: list.map((x) => x.offer),
      catalogIndex: Int32Array.from(list, (x) => x.index),
      weights: new Float64Array(n * FEATURES.length),
      categoryStart,
      categories: new Int32Array(0),
      priorityScore: new Float64Array(n),
      logPrice: new Float64Array(n),
      flags: new Uint8Array(n),
      bound: new Float64Array(n),
      scratch: { scores: new Float64Array(n), eligible: new Int32Array(n), flags: new Uint8Array(n) },
      byId: new Map(),
      bySku: new Map(),
      byCategory: new Map(),
    };
    const add = (index: Map<string, number[]>, key: string, i: number) => index.get(key)?.push(i) ?? index.set(key, [i]);
    list.forEach(({ offer }, i) => {
      let bound = offer.priority * PRIORITY_SCALE;
      FEATURES.forEach((feature, k) => {
        compiled.weights[i * FEATURES.length + k] = offer.weights[feature];
        if (feature !== 'learned') bound += Math.max(0, offer.weights[feature]);
      });
      compiled.bound[i] = bound;
      categoryStart[i] = categories.length;
      for (const category of offer.categories) {
        categories.push(categoryId(category));
        add(compiled.byCategory, category, i);
      }
      compiled.priorityScore[i] = offer.priority * PRIORITY_SCALE;
      compiled.logPrice[i] = offer.price ? Math.log10(offer.price) : NaN;
      const rules = offer.eligibility;
      compiled.flags[i] =
        (rules.visitor !== 'any' || rules.cartMinValue > 0 || rules.cartCategories.length > 0 || rules.boughtBefore || rules.from !== null || rules.until !== null || offer.skus.length > 0
          ? RULES
          : 0) | (offer.sensitive ? SENSITIVE : 0);
      compiled.byId.set(offer.id, i);
      for (const sku of offer.skus) add(compiled.bySku, sku, i);
    });
    categoryStart[n] = categories.length;
    compiled.categories = Int32Array.from(categories);
    bySlot.set(slot, compiled);
  }
  return { catalog, categoryIds, bySlot, scratch: { strength: new Float64Array(categoryIds.size), recency: new Float64Array(categoryIds.size) } };
}
