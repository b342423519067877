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

/**
 * What the collector keeps: counters per (site, window, catalog version, offer, variant,
 * arm) and, for deduplication, the ids of recent reports. Never a report as such. One small
 * interface, so PostgreSQL can take SQLite's place behind several stateless collectors.
 */
export interface CounterStore {
  /**
   * Adds a report's counters, once: a report id seen before adds nothing.
   * @returns false for a duplicate
   */
  ingest(report: Report, receivedAt: number): boolean;
  /** Totals for a site over windows starting in [from, to). */
  stats(site: string, from: number, to: number): StatRow[];
  /** Forgets report ids received before `before`; returns how many. */
  purgeIds(before: number): number;
  close(): void;
}
