import { DEFAULT_VARIANT } from '../src/protocol/catalog';
import type { StatRow } from './store';
import { chiSquareTail, lnGamma, normalCdf } from './distributions';

/** The totals a 95% interval is given for, when local noise makes them estimates. */
export type Estimated = 'impressions' | 'clicks' | 'conversions' | 'revenue';
const ESTIMATED: readonly Estimated[] = ['impressions', 'clicks', 'conversions', 'revenue'];
const Z95 = 1.959964;

/** Per offer and variant, what the merchant reads on the dashboard. */
export interface OfferStats {
  offer: string;
  variant: string;
  reports: number;
  impressions: number;
  clicks: number;
  conversions: number;
  /** Minor units. */
  revenue: number;
  ctr: number;
  /** Conversions per click. */
  conversionRate: number;
  /** Reports that carried local noise. The noise has mean 0, so the totals stay unbiased estimates. */
  noisyReports: number;
  /** With noisy reports: a 95% confidence interval of each total, from the noise's known variance. */
  ci95: Partial<Record<Estimated, [number, number]>>;
  /** This content variant's CTR against the offer's default content (variant `default`); null for the default itself or without one. */
  vsDefault: Comparison | null;
}

/** A CTR against a control's: relative uplift with a frequentist 95% interval (the delta method, the control's uncertainty included), and the Bayesian chance to beat it. */
export interface Comparison {
  /** (CTR − control CTR) / control CTR; null while the control has no clicks. */
  uplift: number | null;
  /** A 95% confidence interval of the uplift (the delta method on the ratio of the two CTRs, both uncertain). */
  ci95: [number, number] | null;
  /** P(CTR > control CTR) under Beta(1 + clicks, 1 + impressions − clicks) posteriors with a uniform prior. */
  chanceToBeat: number;
}

/** What is known of a click-through rate: its counts, and the variance local noise adds to the CTR. */
export interface CtrEvidence {
  impressions: number;
  clicks: number;
  /** 0 without noisy reports. */
  noiseVariance: number;
}

/** The personalization holdout: personalized ranking against the baseline. */
export interface HoldoutStats {
  personalized: { reports: number; impressions: number; clicks: number; ctr: number };
  baseline: { reports: number; impressions: number; clicks: number; ctr: number };
  /** (CTR personalized − CTR baseline) / CTR baseline, with a 95% confidence interval. */
  uplift: number | null;
  ci95: [number, number] | null;
  /** P(personalized CTR > baseline CTR) under Beta posteriors; null when either arm has no reports. */
  chanceToBeat: number | null;
  /** Sample-ratio mismatch: the arms' report counts are unlikely under the configured weights. */
  srm: { expectedShare: number; observedShare: number; pValue: number; warning: boolean } | null;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
/** Noisy estimates can dip below zero or cross; rates stay within [0, 1]. */
const rate = (a: number, b: number) => Math.min(1, Math.max(0, ratio(a, b)));

/** What local noise adds to the variance of clicks / impressions (delta method). */
function ctrNoiseVariance(impressions: number, clicks: number, variance: { impressions: number; clicks: number }): number {
  return impressions > 0 ? (variance.clicks + rate(clicks, impressions) ** 2 * variance.impressions) / impressions ** 2 : 0;
}

/** Per offer and variant, the totals with their intervals, and the evidence about the CTR. */
function totals(rows: StatRow[]): { stats: OfferStats; evidence: CtrEvidence }[] {
  const by = new Map<string, { stats: OfferStats; variance: Record<Estimated, number> }>();
  for (const r of rows) {
    const key = `${r.offer}\u0000${r.variant}`;
    let entry = by.get(key);
    if (!entry) {
      const stats: OfferStats = {
        offer: r.offer,
        variant: r.variant,
        reports: 0,
        impressions: 0,
        clicks: 0,
        conversions: 0,
        revenue: 0,
        ctr: 0,
        conversionRate: 0,
        noisyReports: 0,
        ci95: {},
        vsDefault: null,
      };
      by.set(key, (entry = { stats, variance: { impressions: 0, clicks: 0, conversions: 0, revenue: 0 } }));
    }
    entry.stats.reports += r.reports;
    entry.stats.noisyReports += r.noisyReports;
    for (const m of ESTIMATED) {
      entry.stats[m] += r[m];
      entry.variance[m] += r.variance[m];
    }
  }
  return [...by.values()].map(({ stats: o, variance }) => {
    const ci95: OfferStats['ci95'] = {};
    for (const m of ESTIMATED) {
      const half = Z95 * Math.sqrt(variance[m]);
      if (half > 0) ci95[m] = [o[m] - half, o[m] + half];
    }
    return {
      stats: { ...o, ctr: rate(o.clicks, o.impressions), conversionRate: rate(o.conversions, o.clicks), ci95 },
      evidence: { impressions: o.impressions, clicks: o.clicks, noiseVariance: ctrNoiseVariance(o.impressions, o.clicks, variance) },
    };
  });
}

/**
 * Totals per offer and variant over all arms, without comparisons (`vsDefault` is null).
 * @param rows the k-anonymous rows
 */
export function offerTotals(rows: StatRow[]): OfferStats[] {
  return totals(rows).map((t) => t.stats);
}

/**
 * Totals per offer and variant over all arms, each content variant compared with its offer's default.
 * @param rows the k-anonymous rows
 */
export function offerStats(rows: StatRow[]): OfferStats[] {
  const all = totals(rows);
  const defaults = new Map(all.filter((t) => t.stats.variant === DEFAULT_VARIANT).map((t) => [t.stats.offer, t.evidence]));
  return all.map(({ stats, evidence }) => {
    const control = defaults.get(stats.offer);
    return stats.variant !== DEFAULT_VARIANT && control ? { ...stats, vsDefault: compareCtr(evidence, control) } : stats;
  });
}

const lnBeta = (a: number, b: number) => lnGamma(a) + lnGamma(b) - lnGamma(a + b);

/** Beyond this many terms the exact sum gives way to a normal approximation, by then accurate to about 1e-3. */
const MAX_TERMS = 20_000;

/**
 * P(X > Y) for X ~ Beta(a1, b1) and Y ~ Beta(a2, b2), with a1 a whole number: the closed form
 * Σ_{i<a1} B(a2 + i, b1 + b2) / ((b1 + i) B(1 + i, b1) B(a2, b2)) (Evan Miller, "Formulas for
 * Bayesian A/B testing"). Terms follow from each other by a ratio, summed in log space so that
 * none underflows.
 */
function betaAboveSum(a1: number, b1: number, a2: number, b2: number): number {
  let log = lnBeta(a2, b1 + b2) - lnBeta(a2, b2);
  let max = log;
  let scaled = 0;
  for (let i = 0; i < a1; i++) {
    if (log > max) {
      scaled *= Math.exp(max - log);
      max = log;
    }
    scaled += Math.exp(log - max);
    log += Math.log(((a2 + i) * (b1 + i)) / ((a2 + b1 + b2 + i) * (i + 1)));
  }
  return Math.min(1, Math.exp(max) * scaled);
}

/**
 * P(X > Y) for X ~ Beta(a1, b1) and Y ~ Beta(a2, b2) with whole parameters, deterministic.
 * The sum runs over the smallest parameter, using P(X > Y) = 1 − P(Y > X) and the mirror
 * x → 1 − x; past `MAX_TERMS` terms a normal approximation takes over.
 */
function betaChanceAbove(a1: number, b1: number, a2: number, b2: number): number {
  const least = Math.min(a1, b1, a2, b2);
  if (least > MAX_TERMS) return normalChanceAbove(betaMoments(a1, b1), betaMoments(a2, b2), 0);
  if (least === a1) return betaAboveSum(a1, b1, a2, b2);
  if (least === a2) return 1 - betaAboveSum(a2, b2, a1, b1);
  // P(X > Y) = P(1 − Y > 1 − X), and 1 − X ~ Beta(b1, a1).
  if (least === b2) return betaAboveSum(b2, a2, b1, a1);
  return 1 - betaAboveSum(b1, a1, b2, a2);
}

function betaMoments(a: number, b: number): { mean: number; variance: number } {
  return { mean: a / (a + b), variance: (a * b) / ((a + b) ** 2 * (a + b + 1)) };
}

function normalChanceAbove(x: { mean: number; variance: number }, y: { mean: number; variance: number }, extraVariance: number): number {
  const sd = Math.sqrt(x.variance + y.variance + extraVariance);
  return sd > 0 ? normalCdf((x.mean - y.mean) / sd) : x.mean > y.mean ? 1 : x.mean < y.mean ? 0 : 0.5;
}

/** The Beta posterior of a CTR from a uniform prior; noisy counts are rounded and kept within their possible range. */
function posterior(e: CtrEvidence): [alpha: number, beta: number] {
  const impressions = Math.max(0, Math.round(e.impressions));
  const clicks = Math.min(impressions, Math.max(0, Math.round(e.clicks)));
  return [1 + clicks, 1 + impressions - clicks];
}

/**
 * The Bayesian chance that a CTR beats a control's: P(p > p_control) with
 * p ~ Beta(1 + clicks, 1 + impressions − clicks). Exact for exact counts; when local noise
 * makes counts estimates, a normal approximation of the posteriors widened by the noise's variance.
 * @returns a probability; 0.5 for equal evidence
 */
export function chanceToBeat(variant: CtrEvidence, control: CtrEvidence): number {
  const [a1, b1] = posterior(variant);
  const [a2, b2] = posterior(control);
  const noise = variant.noiseVariance + control.noiseVariance;
  if (noise > 0) return normalChanceAbove(betaMoments(a1, b1), betaMoments(a2, b2), noise);
  return betaChanceAbove(a1, b1, a2, b2);
}

/**
 * A CTR against a control's: the relative uplift with a 95% confidence interval (the delta
 * method on the ratio of the two CTRs, each with its sampling variance and any local noise's)
 * and the Bayesian chance to beat the control.
 */
export function compareCtr(variant: CtrEvidence, control: CtrEvidence): Comparison {
  const side = (e: CtrEvidence) => {
    const ctr = rate(e.clicks, e.impressions);
    // The variance at (clicks + 1) / (impressions + 2): at 0 clicks it is not 0, or a variant
    // without a click yet would get an interval of no width at all.
    const smoothed = (Math.max(0, e.clicks) + 1) / (Math.max(0, e.impressions) + 2);
    return { ctr, smoothed, variance: e.impressions > 0 ? (smoothed * (1 - smoothed)) / e.impressions + e.noiseVariance : 0 };
  };
  const v = side(variant);
  const c = side(control);
  let uplift: number | null = null;
  let ci95: [number, number] | null = null;
  if (variant.impressions > 0 && control.impressions > 0 && c.ctr > 0) {
    // The delta method on the ratio r = CTR / control CTR: Var(r) ≈ Var(p) / p_c² + p² Var(p_c) / p_c⁴.
    // Dividing the difference's interval by the control's CTR, as if that CTR were exact, would
    // leave out its second term, which dominates when the control has few impressions.
    const ratio = v.ctr / c.ctr;
    const se = Math.sqrt(v.variance / c.ctr ** 2 + (Math.max(v.ctr, v.smoothed) ** 2 * c.variance) / c.ctr ** 4);
    uplift = ratio - 1;
    ci95 = [uplift - Z95 * se, uplift + Z95 * se];
  }
  return { uplift, ci95, chanceToBeat: chanceToBeat(variant, control) };
}

/**
 * Compares the arms of the personalization holdout: CTR uplift with a 95% confidence
 * interval and the chance personalized beats baseline (see `compareCtr`), and a sample-ratio
 * check of the arms' report counts against the configured weights.
 * @param rows the k-anonymous rows
 * @param personalizedShare the personalized arm's share of the configured weights, if known
 */
export function holdoutStats(rows: StatRow[], personalizedShare: number | null): HoldoutStats | null {
  const arm = (name: 'personalized' | 'baseline') => {
    const mine = rows.filter((r) => r.arm === name);
    // Every report of a device covers every cell of its arm: the busiest cell counts the reports.
    const reports = Math.max(0, ...mine.map((r) => r.reports));
    const sum = (f: (r: StatRow) => number) => mine.reduce((s, r) => s + f(r), 0);
    const impressions = sum((r) => r.impressions);
    const clicks = sum((r) => r.clicks);
    const noiseVariance = ctrNoiseVariance(impressions, clicks, { impressions: sum((r) => r.variance.impressions), clicks: sum((r) => r.variance.clicks) });
    return { stats: { reports, impressions, clicks, ctr: rate(clicks, impressions) }, evidence: { impressions, clicks, noiseVariance } };
  };
  const { stats: p, evidence: ep } = arm('personalized');
  const { stats: b, evidence: eb } = arm('baseline');
  if (!p.reports && !b.reports) return null;
  const { uplift, ci95, chanceToBeat } = compareCtr(ep, eb);
  let srm: HoldoutStats['srm'] = null;
  const total = p.reports + b.reports;
  if (personalizedShare !== null && personalizedShare > 0 && personalizedShare < 1 && total > 0) {
    const expectedP = total * personalizedShare;
    const expectedB = total - expectedP;
    const x = (p.reports - expectedP) ** 2 / expectedP + (b.reports - expectedB) ** 2 / expectedB;
    const pValue = chiSquareTail(x, 1);
    srm = { expectedShare: personalizedShare, observedShare: p.reports / total, pValue, warning: pValue < 0.001 };
  }
  return { personalized: p, baseline: b, uplift, ci95, chanceToBeat: p.reports && b.reports ? chanceToBeat : null, srm };
}
