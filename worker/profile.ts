import type { TrackEvent } from '../src/protocol/events';

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
  /** Category → when something in it was last bought (for replenishment offers). */
  purchases: Record<string, number>;
  /** Visits: a new one starts after {@link VISIT_GAP_MS} of silence. */
  visits: number;
  events: number;
  firstSeen: number;
  lastSeen: number;
}

/** Half the weight of an interest is gone after two weeks without it. */
export const HALF_LIFE_MS = 14 * 86_400_000;
/** Silence that ends a visit. */
export const VISIT_GAP_MS = 30 * 60_000;
/** The most categories and brands a profile keeps; the weakest go first. */
export const MAX_INTERESTS = 100;

/** How much each kind of signal says about interest in its category and brand. */
const WEIGHTS = {
  page_view: 0.3,
  product_view: 1,
  category_view: 0.5,
  add_to_cart: 3,
  remove_from_cart: -1,
  purchase: 5,
} as const;

/**
 * The value of a decayed score at `now`.
 * @returns the score, 0 when absent
 */
export function decayed(a: Affinity | undefined, now: number): number {
  if (!a) return 0;
  return a.score * Math.pow(2, -Math.max(0, now - a.at) / HALF_LIFE_MS);
}

function bump(map: Record<string, Affinity>, key: string, weight: number, now: number): void {
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
  const w = p.weight * Math.pow(2, -Math.max(0, now - p.at) / HALF_LIFE_MS);
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
  return { v: 1, categories: {}, brands: {}, price: null, purchases: {}, visits: 0, events: 0, firstSeen: now, lastSeen: 0 };
}

/**
 * Folds a batch of signals into the profile. Pure: returns a new profile.
 * @param previous the stored profile, if any
 * @param events the new signals, oldest first
 * @returns the updated profile
 */
export function updateProfile(previous: Profile | undefined, events: readonly TrackEvent[]): Profile {
  const first = events[0]?.at ?? 0;
  const p: Profile = previous ? structuredClone(previous) : emptyProfile(first);
  for (const e of events) {
    const now = e.at;
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
          bump(p.categories, item.category, weight, now);
          p.purchases[item.category] = now;
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
