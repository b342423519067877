import { CONTRIBUTION_BOUNDS, METRICS, type Metric, type Report, type ReportCell } from '../src/protocol/report';
import { noiseVariance } from '../src/protocol/geometric-noise';
import type { Arm } from '../src/protocol/decision';
import type { CounterDelta } from './store';
import { emptyStat } from './counter-columns';

/**
 * The summed counters of reports that hold the same cells in the same order (one window,
 * catalog version and arm, and the same run of its domain). Every report adds to every cell,
 * so the report counts and the noise variance are the run's; only the metrics are per cell.
 */
export interface Run {
  site: string;
  windowStart: number;
  windowMs: number;
  catalog: string;
  arm: Arm;
  /** The (offer, variant) of each cell, in order. */
  cells: [offer: string, variant: string][];
  /** `cells` as JSON: what identifies the run's cells, and how a store keeps them. */
  cellsKey: string;
  reports: number;
  noisyReports: number;
  /** The summed noise variance of each metric (in METRICS order), the same for every cell. */
  variance: number[];
  /** The metrics of cell i at i × METRICS.length + the metric's place in METRICS. */
  sums: Float64Array;
}

const NO_VARIANCE: readonly number[] = METRICS.map(() => 0);

/** What a report's noise adds to the variance of each of its counters (METRICS order). */
function varianceOf(report: Report): readonly number[] {
  const { noise } = report;
  return noise.mechanism === 'geometric' ? METRICS.map((m) => noiseVariance(noise.epsilon, CONTRIBUTION_BOUNDS[m])) : NO_VARIANCE;
}

/** Orders counter keys the same way in every collector, so concurrent batches lock rows in one order and never deadlock. */
function compareDeltas(a: CounterDelta, b: CounterDelta): number {
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

/** True when the report holds the run's cells, in the same order. */
function holdsCells(run: Run, report: Report): boolean {
  if (run.cells.length !== report.cells.length) return false;
  for (let i = 0; i < run.cells.length; i++) {
    const cell = report.cells[i]!;
    if (cell.offer !== run.cells[i]![0] || cell.variant !== run.cells[i]![1] || cell.arm !== run.arm) return false;
  }
  return true;
}

/** Each metric's place in METRICS. */
const PLACE = Object.fromEntries(METRICS.map((m, i) => [m, i])) as Record<Metric, number>;

/**
 * Adds a cell's metrics into `sums` at `at`, each at its place in METRICS. Written out,
 * because reading `cell[METRICS[m]]` in a loop costs 8 times as much, and this runs for every
 * cell of every report (the stores' tests check every metric is added).
 */
function addCell(sums: Float64Array, at: number, cell: ReportCell): void {
  sums[at + PLACE.impressions]! += cell.impressions;
  sums[at + PLACE.clicks]! += cell.clicks;
  sums[at + PLACE.dismissals]! += cell.dismissals;
  sums[at + PLACE.conversions]! += cell.conversions;
  sums[at + PLACE.revenue]! += cell.revenue;
}

/** Adds `from` into `into`, two runs of the same cells. */
function addRun(into: Run, from: Run): void {
  into.reports += from.reports;
  into.noisyReports += from.noisyReports;
  for (let m = 0; m < METRICS.length; m++) into.variance[m]! += from.variance[m]!;
  for (let i = 0; i < into.sums.length; i++) into.sums[i]! += from.sums[i]!;
}

/** The key of a run's counters but its cells: site, window, catalog version and arm. */
const runPrefix = (r: Pick<Run, 'site' | 'windowStart' | 'windowMs' | 'catalog' | 'arm'>) => `${r.site}\u0000${r.windowStart}\u0000${r.windowMs}\u0000${r.catalog}\u0000${r.arm}`;

/**
 * Sums reports into runs: reports of one window, version and arm hold the same cells in the
 * same order (the collector checked their shape), so they are added cell by cell into one
 * packed array; a report that differs (another part of a split) starts a run of its own.
 * @param reports reports already deduplicated
 */
export function mergeRuns(reports: readonly Report[]): Run[] {
  const byKey = new Map<string, Run[]>();
  const all: Run[] = [];
  for (const report of reports) {
    const arm = report.cells[0]?.arm;
    if (!arm) continue;
    const head = { site: report.site, windowStart: Date.parse(report.windowStart), windowMs: report.windowMs, catalog: report.catalog, arm };
    const key = runPrefix(head);
    let candidates = byKey.get(key);
    if (!candidates) byKey.set(key, (candidates = []));
    let run = candidates.find((r) => holdsCells(r, report));
    if (!run) {
      const cells = report.cells.map((c): [string, string] => [c.offer, c.variant]);
      run = { ...head, cells, cellsKey: JSON.stringify(cells), reports: 0, noisyReports: 0, variance: METRICS.map(() => 0), sums: new Float64Array(cells.length * METRICS.length) };
      candidates.push(run);
      all.push(run);
    }
    run.reports += 1;
    if (report.noise.mechanism !== 'none') run.noisyReports += 1;
    if (report.noise.mechanism !== 'none') for (const [m, v] of varianceOf(report).entries()) run.variance[m]! += v;
    for (let i = 0; i < report.cells.length; i++) addCell(run.sums, i * METRICS.length, report.cells[i]!);
  }
  return all;
}

/**
 * Adds runs up into one row per (site, window, catalog version, offer, variant, arm): what a
 * store adds to its counters, whichever store it is. Runs of the same cells are added as
 * arrays first, so rows are made once per distinct run, not once per report.
 * @returns the rows, in the order of `compareDeltas`
 */
export function sumRuns(runs: readonly Run[]): CounterDelta[] {
  const distinct = new Map<string, Run>();
  for (const run of runs) {
    const key = `${runPrefix(run)}\u0000${run.cellsKey}`;
    const kept = distinct.get(key);
    if (kept) addRun(kept, run);
    else distinct.set(key, { ...run, variance: [...run.variance], sums: Float64Array.from(run.sums) });
  }
  const rows = new Map<string, CounterDelta>();
  for (const run of distinct.values()) {
    const prefix = `${runPrefix(run)}\u0000`;
    run.cells.forEach(([offer, variant], i) => {
      const key = `${prefix}${offer}\u0000${variant}`;
      let row = rows.get(key);
      if (!row) {
        row = { site: run.site, windowStart: run.windowStart, windowMs: run.windowMs, ...emptyStat(run.catalog, offer, variant, run.arm) };
        rows.set(key, row);
      }
      row.reports += run.reports;
      row.noisyReports += run.noisyReports;
      METRICS.forEach((m: Metric, j) => {
        row[m] += run.sums[i * METRICS.length + j]!;
        row.variance[m] += run.variance[j]!;
      });
    });
  }
  return [...rows.values()].sort(compareDeltas);
}

/**
 * Merges the counters of many reports into one row per (site, window, catalog version,
 * offer, variant, arm).
 * @param reports reports already deduplicated
 * @returns the rows, in the order of `compareDeltas`
 */
export function mergeReports(reports: readonly Report[]): CounterDelta[] {
  return sumRuns(mergeRuns(reports));
}
