import type { StatRow } from './store';

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
  const by = new Map<string, OfferStats>();
  for (const r of rows) {
    const key = `${r.offer}\u0000${r.variant}`;
    const o = by.get(key) ?? { offer: r.offer, variant: r.variant, reports: 0, impressions: 0, clicks: 0, conversions: 0, revenue: 0, ctr: 0, conversionRate: 0 };
    o.reports += r.reports;
    o.impressions += r.impressions;
    o.clicks += r.clicks;
    o.conversions += r.conversions;
    o.revenue += r.revenue;
    by.set(key, o);
  }
  return [...by.values()].map((o) => ({ ...o, ctr: ratio(o.clicks, o.impressions), conversionRate: ratio(o.conversions, o.clicks) }));
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
 * CTR), and a sample-ratio check of the arms' report counts against the configured weights.
 * @param rows the k-anonymous rows
 * @param personalizedShare the personalized arm's share of the configured weights, if known
 */
export function holdoutStats(rows: StatRow[], personalizedShare: number | null): HoldoutStats | null {
  const arm = (name: 'personalized' | 'baseline') => {
    const mine = rows.filter((r) => r.arm === name);
    // Every report of a device covers every cell of its arm: the busiest cell counts the reports.
    const reports = Math.max(0, ...mine.map((r) => r.reports));
    const impressions = mine.reduce((s, r) => s + r.impressions, 0);
    const clicks = mine.reduce((s, r) => s + r.clicks, 0);
    return { reports, impressions, clicks, ctr: ratio(clicks, impressions) };
  };
  const p = arm('personalized');
  const b = arm('baseline');
  if (!p.reports && !b.reports) return null;
  let uplift: number | null = null;
  let ci95: [number, number] | null = null;
  if (p.impressions > 0 && b.impressions > 0 && b.ctr > 0) {
    const diff = p.ctr - b.ctr;
    const se = Math.sqrt((p.ctr * (1 - p.ctr)) / p.impressions + (b.ctr * (1 - b.ctr)) / b.impressions);
    uplift = diff / b.ctr;
    ci95 = [(diff - 1.96 * se) / b.ctr, (diff + 1.96 * se) / b.ctr];
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
