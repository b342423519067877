/**
 * The sample-ratio check of learned content variants: per report window, the shares of an
 * offer's impressions its variants got, against the shares the priors in force implied. A
 * device shows a variant at random with probability `floor` × the number of variants, and
 * otherwise the one its draws rank first, so under a priors document variant i's share is
 * floor + (1 − V × floor) × P(i is best). A window under several documents (a daily window
 * and hourly priors) expects their average, weighted by how long each was in force during it.
 */
import { chiSquareTail } from '../distributions';
import type { LearningShape, StoredPriors, WindowRow } from '../store';
import { summarizePriors } from './summary';
import { readStoredPriors } from './publisher';

/** Below this p-value the shares are called a mismatch (GrowthBook's threshold for its SRM check). */
export const SHARE_MISMATCH_P = 0.001;

/** Draws per arm when working out the implied shares (their own error is allowed for in the test). */
const DRAWS = 10_000;

/** One window's check of an offer's variant shares. */
export interface ShareCheck {
  offer: string;
  windowStart: number;
  windowMs: number;
  /** The offer's variants, in catalog order. */
  variants: string[];
  /** The offer's impressions in the window, in the arms that learn. */
  impressions: number;
  observed: number[];
  implied: number[];
  /** χ² with (variants − 1) degrees of freedom, on impressions: a device shows its variant on all its impressions, so this p-value is smaller than a count of devices would give. */
  pValue: number;
  warning: boolean;
}

interface Implied {
  from: number;
  to: number;
  catalog: string;
  /** Per offer, its variants in catalog order and their shares; absent for an offer whose variants the devices did not draw under it (a variant without evidence). */
  shares: Map<string, { variants: string[]; shares: number[] }>;
}

/** Each kept document's implied shares for the offers that learn their variants, in force from its computation to the next one's (or its validUntil). */
function impliedByDocument(history: readonly StoredPriors[], offers: ReadonlySet<string>): Implied[] {
  const docs = history.map(readStoredPriors);
  return docs.map((priors, i) => {
    const summary = summarizePriors(priors, { offers, draws: DRAWS });
    const shares: Implied['shares'] = new Map();
    for (const offer of offers) {
      const arms = summary.arms.filter((a) => a.offer === offer);
      if (arms.length < 2 || arms.some((a) => a.basis === 'none')) continue;
      shares.set(offer, { variants: arms.map((a) => a.variant), shares: arms.map((a) => priors.method.floor + (1 - arms.length * priors.method.floor) * (a.chanceBest ?? 0)) });
    }
    return { from: priors.computedAt, to: Math.min(priors.validUntil, docs[i + 1]?.computedAt ?? Infinity), catalog: priors.catalog, shares };
  });
}

/**
 * Checks, window by window, the variant shares of the offers whose variants learn against
 * what the priors in force implied.
 * @param learning the learning shape of the current catalog version (which offers learn their variants)
 * @param history the priors documents kept, oldest first
 * @param windows counter rows per window (k-anonymous ones only: what may be shown)
 * @returns a check per (window, offer) that some priors covered, oldest first
 */
export function shareChecks(learning: LearningShape, history: readonly StoredPriors[], windows: readonly WindowRow[]): ShareCheck[] {
  const offers = new Set(learning.variantsLearn ?? []);
  if (!offers.size || !history.length) return [];
  const implied = impliedByDocument(history, offers);
  // Impressions per (window, offer, variant) in the arms that learn, in catalog order of variants.
  const byWindow = new Map<string, { windowStart: number; windowMs: number; catalog: string; offer: string; counts: Map<string, number> }>();
  for (const r of windows) {
    if (r.arm === 'baseline' || !offers.has(r.offer)) continue;
    const key = `${r.windowStart}\u0000${r.windowMs}\u0000${r.catalog}\u0000${r.offer}`;
    const entry = byWindow.get(key) ?? { windowStart: r.windowStart, windowMs: r.windowMs, catalog: r.catalog, offer: r.offer, counts: new Map() };
    entry.counts.set(r.variant, (entry.counts.get(r.variant) ?? 0) + Math.max(0, r.impressions));
    byWindow.set(key, entry);
  }
  const checks: ShareCheck[] = [];
  for (const w of byWindow.values()) {
    const end = w.windowStart + w.windowMs;
    let weight = 0;
    let variants: string[] | undefined;
    let sum: number[] = [];
    let covered = true;
    for (const doc of implied) {
      const overlap = Math.min(end, doc.to) - Math.max(w.windowStart, doc.from);
      if (overlap <= 0 || doc.catalog !== w.catalog) continue;
      const underDoc = doc.shares.get(w.offer);
      if (!underDoc || (variants && underDoc.variants.join('\u0000') !== variants.join('\u0000'))) {
        covered = false;
        continue;
      }
      variants = underDoc.variants;
      sum = underDoc.shares.map((share, i) => (sum[i] ?? 0) + overlap * share);
      weight += overlap;
    }
    // Only a window the kept priors cover whole, each drawing the offer's variants.
    if (!variants || !covered || weight < w.windowMs * 0.999) continue;
    const expected = sum.map((x) => x / weight);
    const observedCounts = variants.map((v) => w.counts.get(v) ?? 0);
    const impressions = observedCounts.reduce((a, b) => a + b, 0);
    if (impressions <= 0) continue;
    // The implied shares are estimates from DRAWS draws: the observed share minus the implied one
    // varies as s(1 − s)(1 / impressions + 1 / DRAWS), so the χ² of the counts shrinks by that much.
    const counts = observedCounts.reduce((x, o, i) => x + (o - impressions * expected[i]!) ** 2 / (impressions * expected[i]!), 0);
    const statistic = (counts * DRAWS) / (impressions + DRAWS);
    const pValue = chiSquareTail(statistic, variants.length - 1);
    checks.push({
      offer: w.offer,
      windowStart: w.windowStart,
      windowMs: w.windowMs,
      variants,
      impressions,
      observed: observedCounts.map((o) => o / impressions),
      implied: expected,
      pValue,
      warning: pValue < SHARE_MISMATCH_P,
    });
  }
  return checks.sort((a, b) => a.windowStart - b.windowStart || (a.offer < b.offer ? -1 : a.offer > b.offer ? 1 : 0));
}
