import type { Report, Metric } from '../src/protocol/report';
import type { Arm } from '../src/protocol/decision';

/** Totals of one (catalog version, offer, variant, arm), over the windows asked for. */
export type StatRow = {
  /** The catalog's version, under Report v1's name for it (`catalog`), as the stats JSON gives it. */
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
  /** What the priors need, for a version whose catalog learns (Catalog v1's `learning`). */
  learning?: LearningShape | undefined;
}

/** What computing and signing priors needs of a catalog version that learns. */
export interface LearningShape {
  attributionWindowHours: number;
  /** The slot of each offer. */
  slots: Record<string, string>;
  /** The public key the catalog names for its priors (JWK or base64 SPKI). */
  priorsKey: string | JsonWebKey;
  /** The offers whose content variants the devices draw from the priors (absent for versions registered before it was kept). */
  variantsLearn?: string[];
}

/** A priors document as kept: its signed JSON, and what finds it. */
export interface StoredPriors {
  site: string;
  version: string;
  /** The catalog version it applies to. */
  catalog: string;
  computedAt: number;
  /** The signed envelope `{ signed, signature }` as served. */
  document: string;
}

/** How long counters are kept by default: 400 days, a year and a month to compare with. */
export const COUNTERS_KEEP_DAYS = 400;

/**
 * Catalog versions kept per site: registering one more forgets the oldest (a report citing it
 * is then refused, so publish more seldom than this many versions a week).
 */
export const CATALOG_VERSIONS_KEPT = 200;

/** Priors documents kept per site (the newest); older ones are deleted as new ones come. */
export const PRIORS_KEPT = 48;

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
   * Keeps a catalog version's shape, with the newest {@link CATALOG_VERSIONS_KEPT} of its site.
   * A version is immutable: the same shape again is `known`, another shape under a known
   * version is a `conflict` and changes nothing.
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
  /** The newest version registered for a site, or undefined. */
  currentCatalog(site: string): Promise<CatalogShape | undefined>;
  /** The newest priors document of a site, or undefined. */
  latestPriors(site: string): Promise<StoredPriors | undefined>;
  /** The priors documents kept for a site (at most {@link PRIORS_KEPT}), oldest first. */
  priorsHistory(site: string): Promise<StoredPriors[]>;
  /**
   * Renews a site's priors under a lock shared by every collector on the store, so that exactly
   * one computes each version: when `fresh` says the newest document will do, it is returned;
   * otherwise `make` computes one, which is kept (with the newest {@link PRIORS_KEPT}) and returned.
   * @param fresh whether the newest document (undefined when there is none) needs no renewal
   * @param make computes a new document from the site's windows in [from, to) (read through
   * the lock's own connection, so a pool of one cannot wait on itself); undefined when there is nothing to publish
   */
  renewPriors(
    site: string,
    fresh: (latest: StoredPriors | undefined) => boolean,
    make: (windows: (from: number, to: number) => Promise<WindowRow[]>) => Promise<StoredPriors | undefined>,
  ): Promise<StoredPriors | undefined>;
  /** Totals for a site over windows starting in [from, to). */
  stats(site: string, from: number, to: number): Promise<StatRow[]>;
  /** Totals per UTC day for a site over windows starting in [from, to). */
  daily(site: string, from: number, to: number): Promise<DailyRow[]>;
  /** Totals per window for a site over windows starting in [from, to), oldest first. */
  windows(site: string, from: number, to: number): Promise<WindowRow[]>;
  /** Forgets report ids received before `before`; returns how many. */
  purgeIds(before: number): Promise<number>;
  /**
   * Forgets the counters of windows that start before the UTC day of `before`, and that day's
   * totals before it (the retention of counters, {@link COUNTERS_KEEP_DAYS} by default).
   * @returns how many counter rows were deleted
   */
  purgeWindows(before: number): Promise<number>;
  /**
   * Keeps a dashboard sign-in by the hash of its id (never the id, so a copy of the store signs
   * no one in) until `expiresAt`, and forgets the sign-ins that expired before `now`. Kept in the
   * store so that every collector on it knows the session and a sign-out ends it everywhere.
   */
  startSession(hash: string, expiresAt: number, now: number): Promise<void>;
  /** True when a sign-in with this hash was started and neither ended nor expired at `now`. */
  sessionActive(hash: string, now: number): Promise<boolean>;
  /** Ends a sign-in (sign-out): its cookie no longer opens anything, on any collector. */
  endSession(hash: string): Promise<void>;
  close(): Promise<void>;
}

/** JSON with every object's keys sorted: PostgreSQL's jsonb gives keys back in an order of its own. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

/** True when two shapes have the same cells and arms, in the same order, and the same learning section. */
export function sameShape(a: CatalogShape, b: CatalogShape): boolean {
  return canonical([a.cells, a.arms, a.learning ?? null]) === canonical([b.cells, b.arms, b.learning ?? null]);
}
