import type { Caps, Catalog, Offer, OfferContent } from '../src/protocol/catalog';
import type { Arm, Decision } from '../src/protocol/decision';
import { FEATURES, PERSONAL, PRIORITY_SCALE, computeFeatures, type FeatureSource, type RankInput } from './features';
import { bucket, generator, hash32, pickWeighted } from './random';
import type { ExposureLog, OfferLog } from './exposures';

const DAY = 86_400_000;
/** A product bought within this time is not promoted again (replenishment offers excepted). */
const BOUGHT_QUIET_MS = 180 * DAY;
/** A feature must add at least this much to the score to be given as a reason. */
const REASON_THRESHOLD = 0.05;
const MAX_REASONS = 2;

/** A catalog prepared for ranking: offers by slot, weights as arrays. */
export interface CompiledCatalog {
  catalog: Catalog;
  bySlot: Map<string, CompiledOffer[]>;
}

interface CompiledOffer {
  offer: Offer;
  weights: Float64Array;
  /** Position in the catalog, for stable ties. */
  index: number;
}

/**
 * Prepares a validated catalog for ranking. Done once per catalog version, so a decision
 * never re-reads the document.
 */
export function compileCatalog(catalog: Catalog): CompiledCatalog {
  const bySlot = new Map<string, CompiledOffer[]>();
  catalog.offers.forEach((offer, index) => {
    const weights = Float64Array.from(FEATURES, (f) => offer.weights[f]);
    const list = bySlot.get(offer.slot) ?? [];
    list.push({ offer, weights, index });
    bySlot.set(offer.slot, list);
  });
  return { catalog, bySlot };
}

/** The arm of the personalization holdout this device is in (sticky: from the local seed). */
export function assignArm(catalog: Catalog, seed: number, personalization: boolean): Arm {
  if (!personalization) return 'contextual';
  const holdout = catalog.experiments.find((e) => e.kind === 'personalization-holdout');
  if (!holdout) return 'personalized';
  const i = pickWeighted(holdout.arms.map((a) => a.weight), bucket(seed, `experiment:${holdout.id}`));
  return holdout.arms[i]!.id;
}

function eligible(offer: Offer, input: RankInput, log: ExposureLog): boolean {
  const { now, personal, cart, muted } = input;
  const e = offer.eligibility;
  if (offer.categories.some((c) => muted.has(c))) return false;
  if (e.from !== null && now < e.from) return false;
  if (e.until !== null && now >= e.until) return false;
  // Without a profile every shopper is new to the SDK.
  const returning = (personal?.visits ?? 0) > 1;
  if ((e.visitor === 'new' && returning) || (e.visitor === 'returning' && !returning)) return false;
  if (cart.value < e.cartMinValue) return false;
  if (e.cartCategories.length && !e.cartCategories.some((c) => cart.categories.has(c))) return false;
  if (e.boughtBefore) {
    if (!personal || offer.sensitive) return false;
    const { categories, minDaysAgo } = e.boughtBefore;
    if (!categories.some((c) => personal.purchases[c] !== undefined && now - personal.purchases[c]! >= minDaysAgo * DAY)) return false;
  } else if (personal && offer.skus.length && offer.skus.every((s) => now - (personal.bought[s] ?? -Infinity) < BOUGHT_QUIET_MS)) {
    return false;
  }
  return capsAllow(log.entry(offer.id), offer.caps, now);
}

const HOUR = 3_600_000;

/**
 * Whether an offer may be shown now under its caps (0: no cap).
 * @param log the offer's recent impressions and last dismissal
 */
export function capsAllow(log: OfferLog | undefined, caps: Caps, now: number): boolean {
  if (!log) return true;
  if (log.dismissedAt && now - log.dismissedAt < caps.dismissCooldownHours * HOUR) return false;
  const within = (ms: number) => log.impressions.reduce((n, t) => (now - t < ms ? n + 1 : n), 0);
  if (caps.perHour && within(HOUR) >= caps.perHour) return false;
  if (caps.perDay && within(24 * HOUR) >= caps.perDay) return false;
  if (caps.perWeek && within(7 * 24 * HOUR) >= caps.perWeek) return false;
  return true;
}

function label(catalog: Catalog, category: string): string {
  return catalog.categoryLabels[category] ?? category.replace(/[-_]+/g, ' ');
}

function reasonsFor(catalog: Catalog, offer: Offer, contributions: Float64Array, source: FeatureSource, input: RankInput): string[] {
  const { now, page } = input;
  const order = [...contributions.keys()].filter((i) => contributions[i]! >= REASON_THRESHOLD).sort((a, b) => contributions[b]! - contributions[a]!);
  const out: string[] = [];
  for (const i of order) {
    let sentence: string | undefined;
    const f = FEATURES[i];
    if ((f === 'affinity' || f === 'recency') && source.category && source.interest) {
      const name = label(catalog, source.category);
      sentence = source.interest.stated
        ? `Because you told us you like ${name}`
        : `Because you looked at ${name} ${now - source.interest.lastAt < 7 * DAY ? 'this week' : 'recently'}`;
    } else if (f === 'cartMatch' && source.cartCategory) {
      sentence = `Because you have ${label(catalog, source.cartCategory)} in your cart`;
    } else if (f === 'pageMatch') {
      sentence = page.category && offer.categories.includes(page.category)
        ? `Because you are looking at ${label(catalog, page.category)}`
        : 'Because it goes with the product you are looking at';
    } else if (f === 'priceFit') {
      sentence = 'Because it fits the prices you usually look at';
    }
    if (sentence && !out.includes(sentence)) out.push(sentence);
    if (out.length === MAX_REASONS) break;
  }
  if (!out.length) out.push('Featured by the shop');
  return out;
}

function similarity(a: Offer, b: Offer): number {
  if (!a.categories.length || !b.categories.length) return 0;
  let shared = 0;
  for (const c of a.categories) if (b.categories.includes(c)) shared++;
  return shared / (a.categories.length + b.categories.length - shared);
}

function variantOf(offer: Offer, seed: number): { id: string; content: OfferContent } {
  const i = offer.variants.length === 1 ? 0 : pickWeighted(offer.variants.map((v) => v.weight), bucket(seed, `variant:${offer.id}`));
  const v = offer.variants[i]!;
  return { id: v.id, content: { ...offer.content, ...v.content } };
}

interface Scored {
  c: CompiledOffer;
  score: number;
  contributions: Float64Array;
  source: FeatureSource;
}

/**
 * Ranks a slot's offers: eligibility → caps → score → exploration → diversity → top `limit`.
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
  const { catalog } = compiled;
  const arm = assignArm(catalog, seed, input.personal !== null);
  const personalized = arm === 'personalized';
  const features = new Float64Array(FEATURES.length);
  const scored: Scored[] = [];
  for (const c of compiled.bySlot.get(slot) ?? []) {
    if (!eligible(c.offer, input, log)) continue;
    const source = computeFeatures(c.offer, input, personalized && !c.offer.sensitive, features);
    const contributions = new Float64Array(FEATURES.length);
    let score = c.offer.priority * PRIORITY_SCALE;
    for (let i = 0; i < FEATURES.length; i++) {
      if (PERSONAL[i] && !personalized) continue;
      contributions[i] = c.weights[i]! * features[i]!;
      score += contributions[i]!;
    }
    scored.push({ c, score, contributions, source });
  }
  scored.sort((a, b) => b.score - a.score || b.c.offer.priority - a.c.offer.priority || a.c.index - b.c.index);

  // The pool diversity chooses from; exploration draws from below it.
  const poolSize = Math.min(scored.length, Math.max(limit * 3, 10));
  const pool = scored.slice(0, poolSize);
  const rest = scored.slice(poolSize).length ? scored.slice(poolSize) : scored.slice(limit);
  const explored = new Map<number, Scored>();
  const { exploration, diversity } = catalog.settings;
  if (personalized && exploration > 0 && rest.length) {
    const random = generator(hash32(`explore:${slot}:${draw}`, seed));
    for (let position = 0; position < limit && position < scored.length; position++) {
      if (random() >= exploration) continue;
      const pick = rest[Math.floor(random() * rest.length)]!;
      if ([...explored.values()].includes(pick)) continue;
      explored.set(position, pick);
    }
  }

  // Diversity: maximal marginal relevance over the pool, with scores scaled to [0, 1].
  const top = pool[0]?.score ?? 0;
  const low = pool[pool.length - 1]?.score ?? 0;
  const norm = (s: number) => (top > low ? (s - low) / (top - low) : 1);
  const picked: Scored[] = [];
  const candidates = pool.filter((s) => ![...explored.values()].includes(s));
  while (picked.length < limit - explored.size && candidates.length) {
    let best = 0;
    let bestValue = -Infinity;
    candidates.forEach((s, i) => {
      const sim = picked.reduce((m, p) => Math.max(m, similarity(s.c.offer, p.c.offer)), 0);
      const value = norm(s.score) - diversity * sim;
      if (value > bestValue) [best, bestValue] = [i, value];
    });
    picked.push(candidates.splice(best, 1)[0]!);
  }

  const slate: { s: Scored; explored: boolean }[] = picked.map((s) => ({ s, explored: false }));
  for (const [position, s] of [...explored].sort((a, b) => a[0] - b[0])) slate.splice(Math.min(position, slate.length), 0, { s, explored: true });

  return slate.slice(0, limit).map(({ s, explored: wasExplored }) => {
    const v = variantOf(s.c.offer, seed);
    return {
      id: s.c.offer.id,
      slot,
      variant: v.id,
      content: v.content,
      score: Math.round(s.score * 1000) / 1000,
      reasons: wasExplored
        ? ['Something different, to help you discover more of the shop']
        : reasonsFor(catalog, s.c.offer, s.contributions, s.source, input),
      arm,
      explored: wasExplored,
    };
  });
}
