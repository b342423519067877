import type { Run } from '../shared/load';
import { medianOf } from '../shared/results';

/* The collector benchmark's printed table: one row per server and load, each figure as the median of its repetitions with their range. */

/** `median (min–max)` of per-repetition figures. */
export function spread(xs: number[], digits: number): string {
  if (xs.length === 0) return 'failed';
  const f = (x: number) => x.toFixed(digits);
  return `${f(medianOf(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
}

/** Figures of the runs that did not fail. */
export function ok(runs: Run[]): Run[] {
  return runs.filter((r) => !r.failure);
}

/** The table's header: the runs' label column, the four figures, the ratio column. */
export function header(first: string, ratio: string): string {
  return `  ${first.padEnd(24)} ${['reports/s', 'p50 ms', 'p99 ms', 'server CPU µs/report'].map((c) => c.padEnd(20)).join(' ')} ${ratio}`;
}

/** A row of the table: the figures of `runs` (those that did not fail), and a ratio. */
export function row(label: string, runs: Run[], ratio = ''): string {
  const good = ok(runs);
  const column = (pick: (r: Run) => number, digits: number) => spread(good.map(pick), digits);
  const columns = [column((r) => r.perSecond, 0), column((r) => r.p50, 1), column((r) => r.p99, 1), column((r) => r.serverCpu, 0)];
  return `  ${label.padEnd(24)} ${columns.map((c) => c.padEnd(20)).join(' ')} ${ratio}`;
}

/** Per-repetition ratios a/b, for the repetitions where neither failed. */
export function ratios(a: Run[], b: Run[]): number[] {
  return a.flatMap((r, i) => (r.failure || b[i]!.failure ? [] : [r.perSecond / b[i]!.perSecond]));
}
