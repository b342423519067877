import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createHash, randomBytes } from 'node:crypto';
import { REPORT_LIMITS, validateReport } from '../src/protocol/report';
import type { CounterStore, StatRow } from './store';

/** How the collector is set up (README: "Running the collector"). */
export interface CollectorOptions {
  store: CounterStore;
  /** Bearer token for /v1/stats and /dashboard; without one they answer 404. */
  token?: string;
  /** A cell is shown only when at least k reports contributed to it. Default 20. */
  k?: number;
  /** Sites whose reports are accepted; default: any. */
  sites?: string[];
  /** Origins allowed to send reports from the browser (CORS); default: any. */
  origins?: string[];
  /** Reports per minute per client before 429. Default 120. */
  perMinute?: number;
  /** How long report ids are kept for deduplication. Default 8 days. */
  dedupMs?: number;
  /** The client's address, for rate limiting only (hashed with a salt that lives in memory). */
  clientAddress?: (c: Context) => string | undefined;
}

/**
 * A rate limiter keyed by a salted hash of the client address. The salt is random, kept in
 * memory only and replaced every day, so no address, nor anything that could be matched to
 * one later, is ever stored.
 */
function rateLimiter(perMinute: number) {
  let salt = randomBytes(16);
  let saltDay = Math.floor(Date.now() / 86_400_000);
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (address: string | undefined, now: number): number => {
    const day = Math.floor(now / 86_400_000);
    if (day !== saltDay) {
      salt = randomBytes(16);
      saltDay = day;
      buckets.clear();
    }
    const key = createHash('sha256').update(salt).update(address ?? 'unknown').digest('base64url');
    const b = buckets.get(key) ?? { tokens: perMinute, at: now };
    b.tokens = Math.min(perMinute, b.tokens + ((now - b.at) / 60_000) * perMinute);
    b.at = now;
    buckets.set(key, b);
    if (buckets.size > 100_000) buckets.clear();
    if (b.tokens < 1) return Math.ceil(((1 - b.tokens) / perMinute) * 60);
    b.tokens -= 1;
    return 0;
  };
}

/** Rows with fewer than k contributing reports are withheld: they could describe a handful of shoppers. */
export function withheld(rows: StatRow[], k: number): { shown: StatRow[]; withheld: number } {
  const shown = rows.filter((r) => r.reports >= k);
  return { shown, withheld: rows.length - shown.length };
}

/**
 * The collector's routes: `POST /v1/reports` (strict, idempotent, rate limited) and
 * `GET /v1/stats` (bearer token, k-anonymous).
 * @param app the hono app to add them to
 */
export function mountCollector(app: Hono, options: CollectorOptions): void {
  const { store, token, k = 20, sites, origins, perMinute = 120, dedupMs = 8 * 86_400_000 } = options;
  const limit = rateLimiter(perMinute);
  let lastPurge = 0;
  const cors = (c: Context) => {
    const origin = c.req.header('Origin');
    if (origin && (!origins || origins.includes(origin))) {
      c.header('Access-Control-Allow-Origin', origins ? origin : '*');
      c.header('Vary', 'Origin');
    }
  };
  const bad = (c: Context, error: string, status: 400 | 403 | 404 | 413 | 415 | 429 = 400) => {
    cors(c);
    return c.json({ error }, status);
  };

  app.options('/v1/reports', (c) => {
    cors(c);
    c.header('Access-Control-Allow-Methods', 'POST');
    c.header('Access-Control-Allow-Headers', 'Content-Type');
    c.header('Access-Control-Max-Age', '86400');
    return c.body(null, 204);
  });

  app.post(
    '/v1/reports',
    bodyLimit({ maxSize: REPORT_LIMITS.bytes, onError: (c) => bad(c, `body: expected at most ${REPORT_LIMITS.bytes} bytes`, 413) }),
    async (c) => {
      const now = Date.now();
      const wait = limit(options.clientAddress?.(c), now);
      if (wait > 0) {
        c.header('Retry-After', String(wait));
        return bad(c, 'too many reports: retry later', 429);
      }
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        return bad(c, 'body: expected a JSON report');
      }
      let report;
      try {
        report = validateReport(body);
      } catch (error) {
        return bad(c, (error as Error).message);
      }
      if (sites && !sites.includes(report.site)) return bad(c, `report.site: "${report.site}" is not a site of this collector`, 403);
      const added = store.ingest(report, now);
      if (now - lastPurge > 3_600_000) {
        lastPurge = now;
        store.purgeIds(now - dedupMs);
      }
      cors(c);
      return c.json({ accepted: true, duplicate: !added }, 202);
    },
  );

  app.get('/v1/stats', (c) => {
    if (!token) return c.notFound();
    if (c.req.header('Authorization') !== `Bearer ${token}`) return c.json({ error: 'a valid bearer token is required' }, 401);
    const site = c.req.query('site');
    if (!site) return c.json({ error: 'site: expected a site id' }, 400);
    const from = Date.parse(c.req.query('from') ?? '1970-01-01T00:00:00Z');
    const to = Date.parse(c.req.query('to') ?? '9999-12-31T00:00:00Z');
    if (!Number.isFinite(from) || !Number.isFinite(to)) return c.json({ error: 'from, to: expected ISO 8601 times' }, 400);
    const { shown, withheld: hidden } = withheld(store.stats(site, from, to), k);
    return c.json({ site, from: new Date(from).toISOString(), to: new Date(to).toISOString(), k, withheld: hidden, cells: shown });
  });
}
