import type { Catalog, Offer, OfferContent } from '../src/protocol/catalog';
import { eligible } from './eligibility';
import { reasonsFor } from './reasons';
import type { Decision } from '../src/protocol/decision';
import { FEATURES, PERSONAL, PRIORITY_SCALE, RECENCY_SCALE_MS, computeFeatures, type FeatureSource, type RankInput } from './features';
import { generator, hash32 } from './random';
import { assignArm, assignVariant } from './arm';
import type { ExposureLog } from './exposures';

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
}

interface CompiledSlot {
  offers: Offer[];
  /** Catalog position of each offer, for stable ties. */
  index: Int32Array;
  /** `FEATURES.length` weights per offer. */
  weights: Float64Array;
  /** The offer's categories: ids in `cats`, from `catStart[i]` to `catStart[i + 1]`. */
  catStart: Int32Array;
  cats: Int32Array;
  prior: Float64Array;
  /** log10 of the offer's price, NaN without one. */
  priceLog: Float64Array;
  /** Offers that need the full eligibility check (any rule beyond the defaults). */
  ruled: Uint8Array;
  sensitive: Uint8Array;
  /** Offer position by id, and by SKU the offers that promote it. */
  byId: Map<string, number>;
  bySku: Map<string, number[]>;
}

/**
 * Prepares a validated catalog for ranking. Done once per catalog version, so a decision
 * never re-reads the document.
 */
export function compileCatalog(catalog: Catalog): CompiledCatalog {
  const categoryIds = new Map<string, number>();
  const idOf = (c: string) => categoryIds.get(c) ?? (categoryIds.set(c, categoryIds.size), categoryIds.size - 1);
  const grouped = new Map<string, { offer: Offer; index: number }[]>();
  catalog.offers.forEach((offer, index) => {
    const list = grouped.get(offer.slot) ?? [];
    list.push({ offer, index });
    grouped.set(offer.slot, list);
  });
  const bySlot = new Map<string, CompiledSlot>();
  for (const [slot, list] of grouped) {
    const n = list.length;
    const catStart = new Int32Array(n + 1);
    const cats: number[] = [];
    const c: CompiledSlot = {
      offers: list.map((x) => x.offer), index: Int32Array.from(list, (x) => x.index),
      weights: new Float64Array(n * FEATURES.length), catStart, cats: new Int32Array(0),
      prior: new Float64Array(n), priceLog: new Float64Array(n), ruled: new Uint8Array(n), sensitive: new Uint8Array(n),
      byId: new Map(), bySku: new Map(),
    };
    list.forEach(({ offer }, i) => {
      FEATURES.forEach((f, k) => (c.weights[i * FEATURES.length + k] = offer.weights[f]));
      catStart[i] = cats.length;
      for (const cat of offer.categories) cats.push(idOf(cat));
      c.prior[i] = offer.priority * PRIORITY_SCALE;
      c.priceLog[i] = offer.price ? Math.log10(offer.price) : Number.NaN;
      const e = offer.eligibility;
      c.ruled[i] = +(e.visitor !== 'any' || e.cartMinValue > 0 || e.cartCategories.length > 0 || !!e.boughtBefore || e.from !== null || e.until !== null || offer.skus.length > 0);
      c.sensitive[i] = +offer.sensitive;
      c.byId.set(offer.id, i);
      for (const sku of offer.skus) c.bySku.set(sku, [...(c.bySku.get(sku) ?? []), i]);
    });
    catStart[n] = cats.length;
    c.cats = Int32Array.from(cats);
    bySlot.set(slot, c);
  }
  return { catalog, categoryIds, bySlot };
}

export { assignArm };


function similarity(a: Offer, b: Offer): number {
  if (!a.categories.length || !b.categories.length) return 0;
  let shared = 0;
  for (const c of a.categories) if (b.categories.includes(c)) shared++;
  return shared / (a.categories.length + b.categories.length - shared);
}

function variantOf(offer: Offer, seed: number): { id: string; content: OfferContent } {
  const v = assignVariant(offer, seed);
  return { id: v.id, content: { ...offer.content, ...v.content } };
}

interface Scored {
  i: number;
  offer: Offer;
  score: number;
  contributions: Float64Array;
  source: FeatureSource;
}

/**
 * Ranks a slot's offers: eligibility → caps → score → exploration → diversity → top `limit`.
 * One pass over the slot scores every eligible offer from typed arrays and keeps a small
 * pool of the best; only the pool (and explored picks) get their reasons worked out.
 * @param compiled the prepared catalog
 * @param slot the slot to fill
 * @param limit how many offers
 * @param input what the decision may know (profile only with personalization consent)
 * @param log recent exposures, for caps
 * @param seed the device seed (variants, buckets, exploration)
 * @param draw a number that changes per decision, so exploration varies between decisions
 * @returns the decisions, best first
 */
export function rank(compiled: CompiledCatalog, slot: string, limit: number, input: RankInput, log: ExposureLog, seed: number, draw: number): Decision[] {
  const { catalog, categoryIds } = compiled;
  const c = compiled.bySlot.get(slot);
  if (!c) return [];
  const arm = assignArm(catalog, seed, input.personal !== null);
  const personalized = arm === 'personalized';
  const n = c.offers.length;
  const F = FEATURES.length;

  // Per category, what this decision knows: interest strength and recency, cart, page, muted.
  const nc = categoryIds.size;
  const strength = new Float64Array(nc);
  const recency = new Float64Array(nc);
  const inCart = new Uint8Array(nc);
  const onPage = new Uint8Array(nc);
  const muted = new Uint8Array(nc);
  if (personalized && input.personal) {
    for (const [cat, interest] of input.personal.interests) {
      const id = categoryIds.get(cat);
      if (id === undefined) continue;
      strength[id] = interest.strength;
      recency[id] = Math.exp(-Math.max(0, input.now - interest.lastAt) / RECENCY_SCALE_MS);
    }
  }
  for (const cat of input.cart.categories) if (categoryIds.has(cat)) inCart[categoryIds.get(cat)!] = 1;
  if (input.page.category !== undefined && categoryIds.has(input.page.category)) onPage[categoryIds.get(input.page.category)!] = 1;
  for (const cat of input.muted) if (categoryIds.has(cat)) muted[categoryIds.get(cat)!] = 1;
  const pageSku = new Uint8Array(n);
  for (const i of (input.page.sku !== undefined && c.bySku.get(input.page.sku)) || []) pageSku[i] = 1;
  const capped = new Uint8Array(n);
  for (const id of log.offers()) if (c.byId.has(id)) capped[c.byId.get(id)!] = 1;
  const band = personalized ? input.personal?.band : null;
  const low = band ? Math.log10(band.low) : 0;
  const high = band ? Math.log10(band.high) : 0;

  const poolSize = Math.min(n, Math.max(limit * 3, 10));
  const pool: number[] = [];
  const scores = new Float64Array(n);
  const eligibleList = new Int32Array(n);
  let eligibleCount = 0;
  const better = (a: number, b: number) =>
    scores[a]! - scores[b]! || c.offers[a]!.priority - c.offers[b]!.priority || c.index[b]! - c.index[a]!;

  const { weights, prior, priceLog, catStart, cats, ruled, sensitive } = c;
  for (let i = 0; i < n; i++) {
    let affinity = 0;
    let best = -1;
    let cart = 0;
    let page = pageSku[i]!;
    let blocked = false;
    for (let k = catStart[i]!, end = catStart[i + 1]!; k < end; k++) {
      const id = cats[k]!;
      if (muted[id]) blocked = true;
      if (inCart[id]) cart = 1;
      if (onPage[id]) page = 1;
      if (strength[id]! > affinity) (affinity = strength[id]!), (best = id);
    }
    if (blocked) continue;
    if ((ruled[i] || capped[i]) && !eligible(c.offers[i]!, input, log)) continue;
    const o = i * F;
    let score = prior[i]! + weights[o + 2]! * cart + weights[o + 3]! * page;
    if (personalized && !sensitive[i]) {
      score += weights[o]! * affinity + (best >= 0 ? weights[o + 1]! * recency[best]! : 0);
      const p = priceLog[i]!;
      if (band && p === p) score += weights[o + 4]! * (p < low ? Math.exp(-3 * (low - p)) : p > high ? Math.exp(-3 * (p - high)) : 1);
    }
    scores[i] = score;
    eligibleList[eligibleCount++] = i;
    // Keep the pool sorted best first; most offers fall out at the first comparison.
    if (pool.length === poolSize) {
      const worst = scores[pool[poolSize - 1]!]!;
      if (score < worst || (score === worst && better(i, pool[poolSize - 1]!) <= 0)) continue;
    }
    let at = pool.length === poolSize ? poolSize - 1 : pool.length;
    while (at > 0 && better(i, pool[at - 1]!) > 0) {
      pool[at] = pool[at - 1]!;
      at--;
    }
    pool[at] = i;
  }

  const scored = (i: number): Scored => {
    const features = new Float64Array(F);
    const source = computeFeatures(c.offers[i]!, input, personalized && !c.sensitive[i], features);
    const contributions = new Float64Array(F);
    for (let k = 0; k < F; k++) if (!PERSONAL[k] || personalized) contributions[k] = c.weights[i * F + k]! * features[k]!;
    return { i, offer: c.offers[i]!, score: scores[i]!, contributions, source };
  };

  // Exploration: each position, with probability `exploration`, goes to an eligible offer
  // from below the pool (or, in a small slot, from below the top `limit`).
  const inPool = new Set(pool);
  const explored = new Map<number, Scored>();
  const { exploration, diversity } = catalog.settings;
  const below = eligibleCount - pool.length;
  if (personalized && exploration > 0 && eligibleCount > 0) {
    const random = generator(hash32(`explore:${slot}:${draw}`, seed));
    const taken = new Set<number>();
    for (let position = 0; position < limit && position < eligibleCount; position++) {
      if (random() >= exploration) continue;
      let pick: number | undefined;
      // Rejection sampling over the eligible list: no array of the rest is ever built.
      for (let tries = 0; tries < 32 && (pick === undefined || inPool.has(pick) || taken.has(pick)); tries++) {
        pick = below > 0 ? eligibleList[Math.floor(random() * eligibleCount)] : pool.length > limit ? pool[limit + Math.floor(random() * (pool.length - limit))] : undefined;
        if (below <= 0 && pick !== undefined && !taken.has(pick)) break;
      }
      if (pick === undefined || taken.has(pick) || (below > 0 && inPool.has(pick))) continue;
      taken.add(pick);
      explored.set(position, scored(pick));
    }
  }

  // Diversity: maximal marginal relevance over the pool, with scores scaled to [0, 1].
  const candidates = pool.filter((i) => ![...explored.values()].some((e) => e.i === i)).map(scored);
  const top = scores[pool[0]!] ?? 0;
  const bottom = scores[pool[pool.length - 1]!] ?? 0;
  const norm = (x: number) => (top > bottom ? (x - bottom) / (top - bottom) : 1);
  const picked: Scored[] = [];
  while (picked.length < limit - explored.size && candidates.length) {
    let best = 0;
    let bestValue = -Infinity;
    candidates.forEach((s, k) => {
      const sim = picked.reduce((m, p) => Math.max(m, similarity(s.offer, p.offer)), 0);
      const value = norm(s.score) - diversity * sim;
      if (value > bestValue) [best, bestValue] = [k, value];
    });
    picked.push(candidates.splice(best, 1)[0]!);
  }

  const slate: { s: Scored; explored: boolean }[] = picked.map((s) => ({ s, explored: false }));
  for (const [position, s] of [...explored].sort((a, b) => a[0] - b[0])) slate.splice(Math.min(position, slate.length), 0, { s, explored: true });

  return slate.slice(0, limit).map(({ s, explored: wasExplored }) => {
    const v = variantOf(s.offer, seed);
    return {
      id: s.offer.id,
      slot,
      variant: v.id,
      content: v.content,
      score: Math.round(s.score * 1000) / 1000,
      reasons: wasExplored
        ? ['Something different, to help you discover more of the shop']
        : reasonsFor(catalog, s.offer, s.contributions, s.source, input),
      arm,
      explored: wasExplored,
    };
  });
}
