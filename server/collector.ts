import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { html } from 'hono/html';
import { getCookie, setCookie } from 'hono/cookie';
import { holdoutStats, offerStats, type Estimated, type HoldoutStats, type OfferStats } from './stats';
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
  /** The personalized arm's configured share of the holdout, for the sample-ratio check. */
  holdoutShare?: () => Promise<number | null>;
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
    // A clock set back (NTP, a VM restored) must not drain the bucket.
    b.tokens = Math.min(perMinute, b.tokens + (Math.max(0, now - b.at) / 60_000) * perMinute);
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

  // Compared as hashes in constant time: the comparison says nothing of how close a guess was.
  const isToken = (given: string) =>
    !!token && timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(token).digest());
  const authorized = (c: Context) => isToken(c.req.header('Authorization')?.replace(/^Bearer /, '') ?? getCookie(c, 'vitrine_token') ?? '');

  const report = async (c: Context) => {
    const site = c.req.query('site') ?? sites?.[0];
    const from = Date.parse(c.req.query('from') || '1970-01-01T00:00:00Z');
    const to = Date.parse(c.req.query('to') || '9999-12-31T00:00:00Z');
    if (!site || !Number.isFinite(from) || !Number.isFinite(to)) return undefined;
    const { shown, withheld: hidden } = withheld(store.stats(site, from, to), k);
    const share = (await options.holdoutShare?.()) ?? null;
    return {
      site, from: new Date(from).toISOString(), to: new Date(to).toISOString(), k, withheld: hidden,
      cells: shown, offers: offerStats(shown), holdout: holdoutStats(shown, share),
    };
  };

  app.get('/v1/stats', async (c) => {
    if (!token) return c.notFound();
    if (!authorized(c)) return c.json({ error: 'a valid bearer token is required' }, 401);
    const body = await report(c);
    if (!body) return c.json({ error: 'site, from, to: expected a site id and ISO 8601 times' }, 400);
    return c.json(body);
  });

  app.post('/dashboard/login', async (c) => {
    if (!token) return c.notFound();
    const form = await c.req.parseBody();
    const given = typeof form.token === 'string' ? form.token : '';
    const ok = isToken(given);
    if (ok) {
      setCookie(c, 'vitrine_token', given, { httpOnly: true, sameSite: 'Strict', path: '/', secure: new URL(c.req.url).protocol === 'https:' });
    }
    return c.redirect(ok ? '/dashboard' : '/dashboard?failed=1', 303);
  });

  app.get('/dashboard', async (c) => {
    if (!token) return c.notFound();
    c.header('Cache-Control', 'no-store');
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
    if (!authorized(c)) return c.html(loginPage(c.req.query('failed') === '1'), 401);
    const body = await report(c);
    if (!body) return c.html(html`<!doctype html><title>Vitrine</title><p>Name a site: /dashboard?site=…</p>`, 400);
    return c.html(dashboardPage(body));
  });
}

function loginPage(failed: boolean) {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vitrine dashboard: sign in</title>${STYLE}</head>
<body><main><h1>Vitrine dashboard</h1>
<form method="post" action="/dashboard/login">
${failed ? html`<p role="alert">That token is not right.</p>` : ''}
<label for="token">Access token</label> <input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form></main></body></html>`;
}

const STYLE = html`<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }
table { border-collapse: collapse; margin: 1rem 0; } th, td { padding: .3rem .7rem; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
.bar { fill: #14365d; } .warn { background: #fff3cd; padding: .5rem 1rem; border-left: 4px solid #d39e00; }
</style>`;

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** A total, with ± half its 95% interval when noisy reports make it an estimate. */
function estimate(o: OfferStats, m: Estimated, format: (x: number) => string = (x) => String(Math.round(x))) {
  const ci = o.ci95[m];
  return ci ? html`${format(o[m])} <small>± ${format((ci[1] - ci[0]) / 2)}</small>` : format(o[m]);
}

function ctrChart(offers: OfferStats[]) {
  const max = Math.max(0.0001, ...offers.map((o) => o.ctr));
  const rows = offers.slice(0, 30);
  const height = rows.length * 22 + 4;
  const summary = rows.map((o) => `${o.offer} ${o.variant}: ${pct(o.ctr)}`).join('; ');
  return html`<svg role="img" aria-label="${`Click-through rate per offer: ${summary}`}" width="520" height="${height}" viewBox="0 0 520 ${height}">
${rows.map((o, i) => html`<text x="0" y="${i * 22 + 15}" font-size="12">${o.offer} · ${o.variant}</text>
<rect class="bar" x="200" y="${i * 22 + 4}" height="14" width="${Math.max(1, (o.ctr / max) * 260)}"></rect>
<text x="${205 + (o.ctr / max) * 260}" y="${i * 22 + 15}" font-size="12">${pct(o.ctr)}</text>`)}
</svg>`;
}

function holdoutSection(h: HoldoutStats | null) {
  if (!h) return html`<p>No personalization holdout in the data.</p>`;
  return html`<table><caption>Personalization holdout</caption>
<thead><tr><th scope="col">Arm</th><th scope="col">Devices' reports</th><th scope="col">Impressions</th><th scope="col">Clicks</th><th scope="col">CTR</th></tr></thead>
<tbody>${(['personalized', 'baseline'] as const).map((a) => html`<tr><th scope="row">${a}</th><td>${h[a].reports}</td><td>${h[a].impressions}</td><td>${h[a].clicks}</td><td>${pct(h[a].ctr)}</td></tr>`)}</tbody></table>
<p>CTR uplift of personalized over baseline: ${h.uplift === null ? 'not enough data' : html`<strong>${pct(h.uplift)}</strong> (95% confidence interval ${pct(h.ci95![0])} to ${pct(h.ci95![1])})`}.</p>
${h.srm?.warning ? html`<p class="warn" role="alert">Sample-ratio mismatch: ${pct(h.srm.observedShare)} of reports come from the personalized arm, where ${pct(h.srm.expectedShare)} was configured (p = ${h.srm.pValue.toExponential(1)}). The comparison may be biased.</p>` : ''}`;
}

function dashboardPage(r: { site: string; from: string; to: string; k: number; withheld: number; offers: OfferStats[]; holdout: HoldoutStats | null }) {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vitrine dashboard: ${r.site}</title>${STYLE}</head>
<body><main><h1>Offers on ${r.site}</h1>
<p>Aggregates only, from consented reports. A row needs at least ${r.k} reports; ${r.withheld} withheld.</p>
<table><caption>Offers</caption>
<thead><tr><th scope="col">Offer</th><th scope="col">Variant</th><th scope="col">Impressions</th><th scope="col">Clicks</th><th scope="col">CTR</th><th scope="col">Conversions</th><th scope="col">Conversion rate</th><th scope="col">Revenue</th></tr></thead>
<tbody>${r.offers.map((o) => html`<tr><td>${o.offer}</td><td>${o.variant}</td><td>${estimate(o, 'impressions')}</td><td>${estimate(o, 'clicks')}</td><td>${pct(o.ctr)}</td><td>${estimate(o, 'conversions')}</td><td>${pct(o.conversionRate)}</td><td>${estimate(o, 'revenue', (x) => (x / 100).toFixed(2))}</td></tr>`)}</tbody></table>
${r.offers.some((o) => o.noisyReports > 0) ? html`<p>Some reports carry local noise: their totals are estimates, shown with ± the half-width of a 95% confidence interval.</p>` : ''}
<h2>Click-through rate</h2>${ctrChart(r.offers)}
<h2>Experiment</h2>${holdoutSection(r.holdout)}
</main></body></html>`;
}
