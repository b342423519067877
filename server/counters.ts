import { CONTRIBUTION_BOUNDS, METRICS, type Metric, type Report } from '../src/protocol/report';
import { noiseVariance } from '../src/protocol/noise';
import type { CounterDelta } from './store';

const ZERO_VARIANCE: Record<Metric, number> = { impressions: 0, clicks: 0, dismissals: 0, conversions: 0, revenue: 0 };

/** What a report's noise adds to the variance of each of its counters. */
function varianceOf(report: Report): Record<Metric, number> {
  const { noise } = report;
  if (noise.mechanism !== 'geometric') return ZERO_VARIANCE;
  return Object.fromEntries(METRICS.map((m) => [m, noiseVariance(noise.epsilon, CONTRIBUTION_BOUNDS[m])])) as Record<Metric, number>;
}

/** Orders counter keys the same way in every collector, so concurrent batches lock rows in one order and never deadlock. */
export function compareDeltas(a: CounterDelta, b: CounterDelta): number {
  return (
    (a.site < b.site ? -1 : a.site > b.site ? 1 : 0) ||
    a.windowStart - b.windowStart ||
    a.windowMs - b.windowMs ||
    (a.catalog < b.catalog ? -1 : a.catalog > b.catalog ? 1 : 0) ||
    (a.offer < b.offer ? -1 : a.offer > b.offer ? 1 : 0) ||
    (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0) ||
    (a.arm < b.arm ? -1 : a.arm > b.arm ? 1 : 0)
  );
}

/**
 * Merges the counters of many reports into one row per (site, window, catalog version, offer,
 * variant, arm): what one flush adds to the store, whichever store it is.
 * @param reports reports already deduplicated
 * @returns the rows, in the order of `compareDeltas`
 */
export function mergeReports(reports: readonly Report[]): CounterDelta[] {
  const rows = new Map<string, CounterDelta>();
  for (const report of reports) {
    const windowStart = Date.parse(report.windowStart);
    const variance = varianceOf(report);
    const noisy = report.noise.mechanism === 'none' ? 0 : 1;
    const prefix = `${report.site}\u0000${windowStart}\u0000${report.windowMs}\u0000${report.catalog}\u0000`;
    for (const cell of report.cells) {
      const key = `${prefix}${cell.offer}\u0000${cell.variant}\u0000${cell.arm}`;
      let row = rows.get(key);
      if (!row) {
        row = {
          site: report.site, windowStart, windowMs: report.windowMs, catalog: report.catalog,
          offer: cell.offer, variant: cell.variant, arm: cell.arm,
          reports: 0, noisyReports: 0, variance: { ...ZERO_VARIANCE },
          impressions: 0, clicks: 0, dismissals: 0, conversions: 0, revenue: 0,
        };
        rows.set(key, row);
      }
      row.reports += 1;
      row.noisyReports += noisy;
      for (const m of METRICS) {
        row[m] += cell[m];
        row.variance[m] += variance[m];
      }
    }
  }
  return [...rows.values()].sort(compareDeltas);
}
