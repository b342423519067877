import type { StatRow } from './store';

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
}

/** The personalization holdout: personalized ranking against the baseline. */
export interface HoldoutStats {
  personalized: { reports: number; impressions: number; clicks: number; ctr: number };
  baseline: { reports: number; impressions: number; clicks: number; ctr: number };
  /** (CTR personalized − CTR baseline) / CTR baseline, with a 95% confidence interval. */
  uplift: number | null;
  ci95: [number, number] | null;
  /** Sample-ratio mismatch: the arms' report counts are unlikely under the configured weights. */
  srm: { expectedShare: number; observedShare: number; pValue: number; warning: boolean } | null;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/**
 * Totals per offer and variant over all arms.
 * @param rows the k-anonymous rows
 */
export function offerStats(rows: StatRow[]): OfferStats[] {
  const by = new Map<string, { stats: OfferStats; variance: Record<Estimated, number> }>();
  for (const r of rows) {
    const key = `${r.offer}\u0000${r.variant}`;
    let entry = by.get(key);
    if (!entry) {
      const stats: OfferStats = { offer: r.offer, variant: r.variant, reports: 0, impressions: 0, clicks: 0, conversions: 0, revenue: 0, ctr: 0, conversionRate: 0, noisyReports: 0, ci95: {} };
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
    // Noisy estimates can dip below zero or cross; rates stay within [0, 1].
    const rate = (a: number, b: number) => Math.min(1, Math.max(0, ratio(a, b)));
    return { ...o, ctr: rate(o.clicks, o.impressions), conversionRate: rate(o.conversions, o.clicks), ci95 };
  });
}

/** The upper tail of the chi-square distribution with one degree of freedom. */
function chiSquare1Tail(x: number): number {
  // P(X > x) = erfc(sqrt(x / 2)), with erfc from Abramowitz and Stegun 7.1.26.
  const z = Math.sqrt(x / 2);
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return poly * Math.exp(-z * z);
}

/**
 * Compares the arms of the personalization holdout: CTR uplift with a 95% confidence
 * interval (normal approximation on the difference of proportions, scaled by the baseline
 * CTR, widened by the variance of any local noise), and a sample-ratio check of the arms' report counts against the configured weights.
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
    const ctr = Math.min(1, Math.max(0, ratio(clicks, impressions)));
    // Sampling variance of the CTR, plus what local noise adds (delta method on clicks / impressions).
    const noise = impressions > 0 ? (sum((r) => r.variance.clicks) + ctr ** 2 * sum((r) => r.variance.impressions)) / impressions ** 2 : 0;
    const variance = impressions > 0 ? (ctr * (1 - ctr)) / impressions + noise : 0;
    return { stats: { reports, impressions, clicks, ctr }, variance };
  };
  const { stats: p, variance: vp } = arm('personalized');
  const { stats: b, variance: vb } = arm('baseline');
  if (!p.reports && !b.reports) return null;
  let uplift: number | null = null;
  let ci95: [number, number] | null = null;
  if (p.impressions > 0 && b.impressions > 0 && b.ctr > 0) {
    const diff = p.ctr - b.ctr;
    const se = Math.sqrt(vp + vb);
    uplift = diff / b.ctr;
    ci95 = [(diff - Z95 * se) / b.ctr, (diff + Z95 * se) / b.ctr];
  }
  let srm: HoldoutStats['srm'] = null;
  const total = p.reports + b.reports;
  if (personalizedShare !== null && personalizedShare > 0 && personalizedShare < 1 && total > 0) {
    const expectedP = total * personalizedShare;
    const expectedB = total - expectedP;
    const x = (p.reports - expectedP) ** 2 / expectedP + (b.reports - expectedB) ** 2 / expectedB;
    const pValue = chiSquare1Tail(x);
    srm = { expectedShare: personalizedShare, observedShare: p.reports / total, pValue, warning: pValue < 0.001 };
  }
  return { personalized: p, baseline: b, uplift, ci95, srm };
}
