import { Hono } from 'hono';
import { holdoutStats, offerStats, type HoldoutStats, type OfferStats } from '../stats';
import type { CounterStore, StatRow } from '../store';
import type { Auth } from './auth';

/** What the merchant may read, and how. */
export interface StatsOptions {
  store: CounterStore;
  auth: Auth;
  /** A cell is shown only when at least k reports contributed to it. */
  k: number;
  /** The site shown when none is asked for: the first of the allow-list. */
  sites?: string[] | undefined;
  /** The personalized arm's configured share of the holdout, for the sample-ratio check. */
  holdoutShare?: (() => Promise<number | null>) | undefined;
}

/** A cell fewer than k reports contributed to: named, with its count, and nothing else. */
export interface PendingCell {
  catalog: string;
  offer: string;
  variant: string;
  arm: StatRow['arm'];
  reports: number;
}

/** The body of `GET /v1/stats` (a contract: fields are only ever added). */
export interface StatsBody {
  site: string;
  from: string;
  to: string;
  k: number;
  /** How many cells are withheld for having fewer than k reports. */
  withheld: number;
  cells: StatRow[];
  /** The withheld cells, with how many reports they have so far (no counters). */
  pending: PendingCell[];
  offers: OfferStats[];
  holdout: HoldoutStats | null;
}

/** What a stats request asks for: a site and a range of window starts. */
export interface StatsQuery {
  site: string;
  from: number;
  to: number;
}

/**
 * Reads `site`, `from` and `to` from a query string; the site defaults to the first allowed.
 * @returns the query, or undefined when a value is missing or unreadable
 */
export function statsQuery(query: (name: string) => string | undefined, sites?: string[]): StatsQuery | undefined {
  const site = query('site') || sites?.[0];
  const from = Date.parse(query('from') || '1970-01-01T00:00:00Z');
  const to = Date.parse(query('to') || '9999-12-31T00:00:00Z');
  if (!site || !Number.isFinite(from) || !Number.isFinite(to)) return undefined;
  return { site, from, to };
}

/**
 * The k-anonymous totals of a site: cells with at least k reports, per-offer totals and the
 * holdout; cells under k only say how many reports they have so far.
 */
export async function readStats(options: StatsOptions, q: StatsQuery): Promise<StatsBody> {
  const rows = await options.store.stats(q.site, q.from, q.to);
  const cells = rows.filter((r) => r.reports >= options.k);
  const pending = rows.filter((r) => r.reports < options.k).map(({ catalog, offer, variant, arm, reports }) => ({ catalog, offer, variant, arm, reports }));
  const share = (await options.holdoutShare?.()) ?? null;
  return {
    site: q.site,
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    k: options.k,
    withheld: pending.length,
    cells,
    pending,
    offers: offerStats(cells),
    holdout: holdoutStats(cells, share),
  };
}

/**
 * `GET /v1/stats?site=…&from=…&to=…` behind the bearer token.
 * @returns a sub-app to mount at `/v1/stats`
 */
export function createStatsApi(options: StatsOptions): Hono {
  return new Hono().get('/', options.auth.required, async (c) => {
    const q = statsQuery((name) => c.req.query(name), options.sites);
    if (!q) return c.json({ error: 'site, from, to: expected a site id and ISO 8601 times' }, 400);
    return c.json(await readStats(options, q));
  });
}
