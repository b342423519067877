import type { TrackEvent } from '../src/protocol/events';
import { MINUTE_MS, DAY_MS } from '../src/protocol/time';

/** A decayed score, as it stood at time `at`. */
export interface Affinity {
  score: number;
  at: number;
}

/**
 * Features derived incrementally from signals, so scoring never scans raw history.
 * Scores decay exponentially with {@link HALF_LIFE_MS}; they are stored as of their last
 * update and decayed on read.
 */
export interface Profile {
  v: 1;
  categories: Record<string, Affinity>;
  brands: Record<string, Affinity>;
  /** Decayed weighted mean and variance of log10(price) of products looked at or carted. */
  price: { weight: number; mean: number; variance: number; at: number } | null;
  /** Category → when something in it was last bought (for replenishment offers). The latest {@link MAX_INTERESTS}. */
  purchases: Record<string, number>;
  /** SKU → when it was last bought, so offers stop promoting it. The latest {@link MAX_BOUGHT}. */
  bought?: Record<string, number>;
  /** Category → when the shopper said they like it (`privacy.prefer`). */
  stated?: Record<string, number>;
  /** Visits: a new one starts after {@link VISIT_GAP_MS} of silence. */
  visits: number;
  events: number;
  firstSeen: number;
  lastSeen: number;
}

/** Half the weight of an interest is gone after two weeks without it. */
export const HALF_LIFE_MS = 14 * DAY_MS;
/** Silence that ends a visit. */
export const VISIT_GAP_MS = 30 * MINUTE_MS;
/** The most categories and brands a profile keeps; the weakest go first. */
export const MAX_INTERESTS = 100;
/** The most bought SKUs a profile remembers. */
export const MAX_BOUGHT = 200;

/** The `max` entries of a key → time map with the latest times. */
function latest(map: Record<string, number>, max: number): Record<string, number> {
  const entries = Object.entries(map);
  return entries.length > max ? Object.fromEntries(entries.sort((a, b) => b[1] - a[1]).slice(0, max)) : map;
}

/** How much each kind of signal says about interest in its category and brand. */
const WEIGHTS = {
  page_view: 0.3,
  product_view: 1,
  category_view: 0.5,
  add_to_cart: 3,
  remove_from_cart: -1,
  purchase: 5,
} as const;

/** A stated interest counts like strong browsing. */
export const STATED_STRENGTH = 0.9;

/**
 * How strong an interest is, from 0 to 1: one product view ≈ 0.4, a cart addition ≈ 0.8.
 */
export function interestStrength(a: Affinity | undefined, now: number): number {
  return 1 - Math.exp(-decayed(a, now) / 2);
}

/**
 * The value of a decayed score at `now`.
 * @returns the score, 0 when absent
 */
export function decayed(a: Affinity | undefined, now: number): number {
  if (!a) return 0;
  return a.score * 2 ** (-Math.max(0, now - a.at) / HALF_LIFE_MS);
}

function bumpScore(map: Record<string, Affinity>, key: string, weight: number, now: number): void {
  map[key] = { score: Math.max(0, decayed(map[key], now) + weight), at: now };
}

function bound(map: Record<string, Affinity>, now: number): Record<string, Affinity> {
  const keys = Object.keys(map);
  if (keys.length <= MAX_INTERESTS) return map;
  const kept = keys.sort((a, b) => decayed(map[b], now) - decayed(map[a], now)).slice(0, MAX_INTERESTS);
  return Object.fromEntries(kept.map((k) => [k, map[k]!]));
}

function addPrice(profile: Profile, price: number, weight: number, now: number): void {
  if (!(price > 0)) return;
  const x = Math.log10(price);
  const p = profile.price;
  if (!p) {
    profile.price = { weight, mean: x, variance: 0, at: now };
    return;
  }
  // Exponentially decayed weighted mean and variance (West's incremental update).
  const w = p.weight * 2 ** (-Math.max(0, now - p.at) / HALF_LIFE_MS);
  const total = w + weight;
  const mean = p.mean + (weight / total) * (x - p.mean);
  const variance = (w * (p.variance + (p.mean - mean) ** 2) + weight * (x - mean) ** 2) / total;
  profile.price = { weight: total, mean, variance, at: now };
}

/**
 * A new, empty profile.
 * @param now the time of the first signal
 */
export function emptyProfile(now: number): Profile {
  return { v: 1, categories: {}, brands: {}, price: null, purchases: {}, bought: {}, stated: {}, visits: 0, events: 0, firstSeen: now, lastSeen: 0 };
}

/**
 * Folds a batch of signals into the profile. Pure: returns a new profile.
 * @param previous the stored profile, if any
 * @param events the new signals, oldest first
 * @returns the updated profile
 */
export function updateProfile(previous: Profile | undefined, events: readonly TrackEvent[], muted: ReadonlySet<string> = new Set()): Profile {
  const first = events[0]?.at ?? 0;
  const p: Profile = previous ? structuredClone(previous) : emptyProfile(first);
  p.bought ??= {};
  p.stated ??= {};
  const bump = (map: Record<string, Affinity>, key: string, weight: number, now: number) => {
    if (!muted.has(key)) bumpScore(map, key, weight, now);
  };
  for (const e of events) {
    const now = e.at;
    // Nothing of a muted category is learned: not its affinity, not its prices.
    const category = (e.payload as { category?: string }).category;
    if (category !== undefined && muted.has(category) && e.type !== 'page_view') continue;
    if (now - p.lastSeen > VISIT_GAP_MS) p.visits += 1;
    p.lastSeen = Math.max(p.lastSeen, now);
    p.events += 1;
    const weight = WEIGHTS[e.type as keyof typeof WEIGHTS] ?? 0;
    switch (e.type) {
      case 'page_view':
        if (e.payload.category) bump(p.categories, e.payload.category, weight, now);
        break;
      case 'category_view':
        bump(p.categories, e.payload.category, weight, now);
        break;
      case 'product_view':
      case 'add_to_cart':
      case 'remove_from_cart':
        bump(p.categories, e.payload.category, weight, now);
        if (e.payload.brand) bump(p.brands, e.payload.brand, weight, now);
        if (e.payload.price !== undefined && weight > 0) addPrice(p, e.payload.price, weight, now);
        break;
      case 'purchase':
        for (const item of e.payload.items) {
          if (muted.has(item.category)) continue;
          bump(p.categories, item.category, weight, now);
          p.purchases[item.category] = now;
          p.bought[item.sku] = now;
          addPrice(p, item.price, weight, now);
        }
        break;
      case 'search':
        // Search terms never enter the profile: they say too much and generalize badly.
        break;
    }
  }
  p.categories = bound(p.categories, p.lastSeen);
  p.brands = bound(p.brands, p.lastSeen);
  p.bought = latest(p.bought ?? {}, MAX_BOUGHT);
  p.purchases = latest(p.purchases, MAX_INTERESTS);
  return p;
}

/**
 * The price band the shopper usually looks at: mean ± one standard deviation, in currency units.
 * @returns the band, or null before any priced signal
 */
export function priceBand(profile: Profile): { low: number; high: number } | null {
  if (!profile.price) return null;
  const sd = Math.sqrt(profile.price.variance);
  return { low: 10 ** (profile.price.mean - sd), high: 10 ** (profile.price.mean + sd) };
}

/**
 * The strongest interests at `now`, strongest first.
 * @param limit how many to return
 */
export function topCategories(profile: Profile, now: number, limit = 10): { category: string; score: number }[] {
  return Object.entries(profile.categories)
    .map(([category, a]) => ({ category, score: decayed(a, now) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

/**
 * Takes a category out of the profile: affinity, purchases, stated interest.
 * @returns a new profile
 */
export function withoutCategory(profile: Profile, category: string): Profile {
  const p = structuredClone(profile);
  // The price band mixes every category and cannot be taken apart: it starts again.
  p.price = null;
  delete p.categories[category];
  delete p.purchases[category];
  if (p.stated) delete p.stated[category];
  return p;
}

/**
 * Records an interest the shopper states; it counts like strong browsing.
 * @returns a new profile
 */
export function withStated(profile: Profile | undefined, category: string, now: number): Profile {
  const p = profile ? structuredClone(profile) : emptyProfile(now);
  p.stated = { ...p.stated, [category]: now };
  return p;
}
