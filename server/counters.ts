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

/** Sums of reports that hold the same cells in the same order: one row per cell. */
interface Run {
  first: Report;
  windowStart: number;
  rows: CounterDelta[];
}

/** The row of counters one cell of `report` starts, all zero. */
function emptyRow(report: Report, windowStart: number, cell: Report['cells'][number]): CounterDelta {
  return {
    site: report.site, windowStart, windowMs: report.windowMs, catalog: report.catalog,
    offer: cell.offer, variant: cell.variant, arm: cell.arm,
    reports: 0, noisyReports: 0, variance: { ...ZERO_VARIANCE },
    impressions: 0, clicks: 0, dismissals: 0, conversions: 0, revenue: 0,
  };
}

function add(row: CounterDelta, cell: Report['cells'][number], noisy: number, variance: Record<Metric, number>): void {
  row.reports += 1;
  row.noisyReports += noisy;
  for (const m of METRICS) {
    row[m] += cell[m];
    row.variance[m] += variance[m];
  }
}

/** True when `b` holds the same cells as `a`, in the same order. */
function sameCells(a: Report, b: Report): boolean {
  if (a.cells.length !== b.cells.length) return false;
  for (let i = 0; i < a.cells.length; i++) {
    const x = a.cells[i]!;
    const y = b.cells[i]!;
    if (x.offer !== y.offer || x.variant !== y.variant || x.arm !== y.arm) return false;
  }
  return true;
}

/**
 * Merges the counters of many reports into one row per (site, window, catalog version, offer,
 * variant, arm): what one flush adds to the store, whichever store it is. Reports of one
 * window, version and arm hold the same cells in the same order (the collector checked their
 * shape), so they are summed cell by cell; a report that differs gets a run of its own.
 * @param reports reports already deduplicated
 * @returns the rows, in the order of `compareDeltas`
 */
export function mergeReports(reports: readonly Report[]): CounterDelta[] {
  const runs = new Map<string, Run[]>();
  for (const report of reports) {
    const windowStart = Date.parse(report.windowStart);
    const variance = varianceOf(report);
    const noisy = report.noise.mechanism === 'none' ? 0 : 1;
    const key = `${report.site}\u0000${windowStart}\u0000${report.windowMs}\u0000${report.catalog}\u0000${report.cells[0]?.arm}`;
    let candidates = runs.get(key);
    if (!candidates) runs.set(key, (candidates = []));
    let run = candidates.find((r) => sameCells(r.first, report));
    if (!run) {
      run = { first: report, windowStart, rows: report.cells.map((cell) => emptyRow(report, windowStart, cell)) };
      candidates.push(run);
    }
    report.cells.forEach((cell, i) => add(run.rows[i]!, cell, noisy, variance));
  }
  // Runs of one key may overlap (parts of different splits): rows of one cell are summed.
  const rows = new Map<string, CounterDelta>();
  for (const run of [...runs.values()].flat()) {
    for (const row of run.rows) {
      const key = `${row.site}\u0000${row.windowStart}\u0000${row.windowMs}\u0000${row.catalog}\u0000${row.offer}\u0000${row.variant}\u0000${row.arm}`;
      const kept = rows.get(key);
      if (!kept) {
        rows.set(key, row);
        continue;
      }
      kept.reports += row.reports;
      kept.noisyReports += row.noisyReports;
      for (const m of METRICS) {
        kept[m] += row[m];
        kept.variance[m] += row.variance[m];
      }
    }
  }
  return [...rows.values()].sort(compareDeltas);
}
