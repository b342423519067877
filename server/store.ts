import type { Report, Metric } from '../src/protocol/report';
import type { Arm } from '../src/protocol/decision';

/** Totals of one (catalog version, offer, variant, arm), over the windows asked for. */
export type StatRow = {
  catalog: string;
  offer: string;
  variant: string;
  arm: Arm;
  reports: number;
  /** How many of those reports carried local noise. */
  noisyReports: number;
  /** The summed variance of that noise, per counter (0 without noise). */
  variance: Record<Metric, number>;
} & Record<Metric, number>;

/** Totals of one (day, catalog version, offer, variant, arm): windows are counted on the UTC day they start. */
export type DailyRow = StatRow & {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
};

/** Totals of one (window, catalog version, offer, variant, arm): what the priors are computed from. */
export type WindowRow = StatRow & {
  /** The window's start, ms since the epoch. */
  windowStart: number;
  windowMs: number;
};

/**
 * What a catalog version lets a report hold: its (offer, variant) domain in catalog order and
 * the arms a device may be in. The collector accepts a report only when it has exactly this shape.
 */
export interface CatalogShape {
  site: string;
  version: string;
  /** Every (offer, variant) of the version, in catalog order. */
  cells: readonly (readonly [offer: string, variant: string])[];
  /** The arms a device may report in: `contextual`, and the holdout's arms (or `personalized` without one). */
  arms: readonly Arm[];
}

/** What happened to a catalog version given to the store. */
export type Registration = 'added' | 'known' | 'conflict';

/**
 * One row of counters to add: the sums of the reports merged for one key of the counters
 * table. Built by `sumRuns` (server/counters.ts), so both stores add the same thing.
 */
export type CounterDelta = StatRow & {
  site: string;
  windowStart: number;
  windowMs: number;
};

/**
 * What the collector keeps: counters per (site, window, catalog version, offer, variant,
 * arm), the ids of recent reports for deduplication, and the shape of every catalog version
 * it knows. Never a report as such. One small interface with two implementations: the
 * embedded SQLite (server/sqlite.ts) and PostgreSQL for several stateless collectors
 * (server/postgres.ts).
 */
export interface CounterStore {
  /**
   * Keeps a catalog version's shape. A version is immutable: the same shape again is `known`,
   * another shape under a known version is a `conflict` and changes nothing.
   */
  registerCatalog(shape: CatalogShape, at: number): Promise<Registration>;
  /** The shape of a version known for a site, or undefined. */
  catalogShape(site: string, version: string): Promise<CatalogShape | undefined>;
  /**
   * Commits a batch of validated, shape-checked reports in one transaction. A report whose id
   * the store already holds, or that appears earlier in the same batch, adds nothing.
   * @returns per report, in order: true when its counters were added, false for a duplicate
   */
  commit(reports: readonly Report[], receivedAt: number): Promise<boolean[]>;
  /** Totals for a site over windows starting in [from, to). */
  stats(site: string, from: number, to: number): Promise<StatRow[]>;
  /** Totals per UTC day for a site over windows starting in [from, to). */
  daily(site: string, from: number, to: number): Promise<DailyRow[]>;
  /** Totals per window for a site over windows starting in [from, to), oldest first. */
  windows(site: string, from: number, to: number): Promise<WindowRow[]>;
  /** Forgets report ids received before `before`; returns how many. */
  purgeIds(before: number): Promise<number>;
  close(): Promise<void>;
}

/** True when two shapes have the same cells and arms, in the same order. */
export function sameShape(a: CatalogShape, b: CatalogShape): boolean {
  return JSON.stringify([a.cells, a.arms]) === JSON.stringify([b.cells, b.arms]);
}
