import { METRICS, type Metric } from '../src/protocol/report';
import type { Arm } from '../src/protocol/decision';
import type { StatRow } from './store';
import { DAY_MS } from '../src/protocol/time';

/** The counters table's noise-variance column of each metric, in METRICS order. */
export const VARIANCES = METRICS.map((m) => `var_${m}` as const);

/** Counter columns as a SELECT of either store gives them, before the variances are gathered into one object. */
export type SumRow = Omit<StatRow, 'variance'> & Record<`var_${Metric}`, number>;

/** Every counter at 0 (a new metric is a type error here until it is added). */
const NOTHING_COUNTED = { impressions: 0, clicks: 0, dismissals: 0, conversions: 0, revenue: 0 } satisfies Record<Metric, number>;

/** A stats row of one (catalog version, offer, variant, arm) with nothing counted yet, to add to. */
export const emptyStat = (catalog: string, offer: string, variant: string, arm: Arm): StatRow => ({
  catalog,
  offer,
  variant,
  arm,
  reports: 0,
  noisyReports: 0,
  ...NOTHING_COUNTED,
  variance: { ...NOTHING_COUNTED },
});

/**
 * A stats row from a SELECT's columns.
 * @param row the summed columns
 */
export function toStat<T extends SumRow>(row: T): Omit<T, `var_${Metric}`> & StatRow {
  // Built field by field, without `delete`, which would leave every row a slow dictionary object.
  const out: Record<string, unknown> = {};
  const variance = {} as Record<Metric, number>;
  for (const key in row) {
    if (key.startsWith('var_')) variance[key.slice(4) as Metric] = row[key as `var_${Metric}`];
    else out[key] = row[key];
  }
  out.variance = variance;
  return out as Omit<T, `var_${Metric}`> & StatRow;
}

/**
 * True when a range of window starts [from, to) is whole UTC days (or open-ended): then the
 * daily totals answer it, whose size does not grow with the number of windows in a day.
 */
export function wholeDays(from: number, to: number): boolean {
  return windowBound(from) % DAY_MS === 0 && windowBound(to) % DAY_MS === 0;
}

/**
 * A bound of `window_start >= bound` or `window_start < bound`, as an integer parameter:
 * ±Infinity clamped to the range of dates, a fraction rounded up (the same integers pass).
 */
export function windowBound(value: number): number {
  return Math.ceil(Math.min(Math.max(value, -8.64e15), 8.64e15));
}
