import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createApp } from '../../server/app';
import { createSqliteStore, MIGRATIONS } from '../../server/sqlite';
import { CONTRIBUTION_BOUNDS, validateReport, type Report } from '../../src/protocol/report';
import { addNoise, noiseVariance } from '../../src/protocol/noise';
import { generator } from '../../worker/random';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function dataDir() {
  const d = mkdtempSync(join(tmpdir(), 'vitrine-collector-'));
  dirs.push(d);
  return d;
}

const NO_NOISE = { impressions: 0, clicks: 0, dismissals: 0, conversions: 0, revenue: 0 };

let n = 0;
function report(patch: Partial<Report> = {}): Report {
  return {
    v: 1,
    id: (n++).toString(16).padStart(32, '0'),
    site: 'demo-shop',
    windowStart: '2026-11-22T00:00:00.000Z',
    windowMs: 86_400_000,
    catalog: '2026-11-22.1',
    noise: { mechanism: 'none' },
    cells: [
      { offer: 'trail-10', variant: 'default', arm: 'personalized', impressions: 3, clicks: 1, dismissals: 0, conversions: 0, revenue: 0 },
      { offer: 'trail-10', variant: 'b', arm: 'personalized', impressions: 0, clicks: 0, dismissals: 0, conversions: 0, revenue: 0 },
    ],
    ...patch,
  };
}

function collector(extra: Record<string, unknown> = {}) {
  const log: string[] = [];
  const store = createSqliteStore(dataDir());
  const app = createApp({ root: process.cwd(), log: (l) => log.push(l), collector: { store, token: 'secret', k: 3, ...extra } });
  const post = (body: unknown) =>
    app.request('/v1/reports', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const stats = async (token = 'secret') => app.request('/v1/stats?site=demo-shop', { headers: { Authorization: `Bearer ${token}` } });
  return { app, store, post, stats, log };
}

describe('POST /v1/reports', () => {
  it('accepts a Report v1 with 202 and counts it', async () => {
    const c = collector();
    for (let i = 0; i < 3; i++) expect((await c.post(report())).status).toBe(202);
    const body = await (await c.stats()).json();
    expect(body.cells).toContainEqual({
      catalog: '2026-11-22.1', offer: 'trail-10', variant: 'default', arm: 'personalized', reports: 3, noisyReports: 0,
      impressions: 9, clicks: 3, dismissals: 0, conversions: 0, revenue: 0, variance: NO_NOISE,
    });
  });

  it('counts the same report sent many times once', async () => {
    const c = collector();
    const once = report();
    const answers = await Promise.all(Array.from({ length: 5 }, () => c.post(once)));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect((await Promise.all(answers.map((a) => a.json()))).filter((b) => !b.duplicate)).toHaveLength(1);
    expect(c.store.stats('demo-shop', 0, Infinity).find((r) => r.variant === 'default')).toMatchObject({ reports: 1, impressions: 3 });
  });

  it.each([
    ['report.extra: unknown field', { ...report(), extra: 1 }],
    ['report.v: expected 1', { ...report(), v: 2 }],
    ['report.id: expected 32 lowercase hex digits', { ...report(), id: 'not-hex' }],
    ['report.windowStart', { ...report(), windowStart: '2026-11-22T00:00:01.000Z' }],
    ['report.cells[0].impressions: expected a whole number from 0 to 50', { ...report(), cells: [{ ...report().cells[0], impressions: 51 }] }],
    ['report.cells[0].sku: unknown field', { ...report(), cells: [{ ...report().cells[0], sku: 'TR-1' }] }],
    ['report.cells: expected an array of at most 400 entries', { ...report(), cells: Array.from({ length: 401 }, (_, i) => ({ ...report().cells[0], offer: `o${i}` })) }],
    ['report.__proto__: unknown field', JSON.parse(JSON.stringify(report()).replace('"v":1', '"v":1,"__proto__":{"admin":true}'))],
    ['body: expected a JSON report', '{"v":1,'],
  ])('refuses a report: %s', async (message, body) => {
    const c = collector();
    const res = await c.post(body);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toContain(message);
    expect(c.store.stats('demo-shop', 0, Infinity)).toEqual([]);
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const c = collector();
    const res = await c.post(JSON.stringify(report()) + ' '.repeat(70_000));
    expect(res.status).toBe(413);
  });

  it('answers 429 with Retry-After past the rate limit', async () => {
    const c = collector({ perMinute: 2, clientAddress: () => '203.0.113.7' });
    expect((await c.post(report())).status).toBe(202);
    expect((await c.post(report())).status).toBe(202);
    const limited = await c.post(report());
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('never answers a malformed body with a 5xx, and stores nothing from it (fuzz)', async () => {
    const c = collector({ perMinute: 1e9 });
    const valid = report();
    const mutated = fc.oneof(
      fc.json(),
      fc.string(),
      fc.record({ ...Object.fromEntries(Object.keys(valid).map((k) => [k, fc.anything()])) }, { requiredKeys: [] }),
      fc.constantFrom(...Object.keys(valid)).chain((key) => fc.anything().map((v) => ({ ...valid, id: undefined, [key]: v }))),
      fc.array(fc.anything()).map((cells) => ({ ...valid, id: undefined, cells })),
    );
    await fc.assert(
      fc.asyncProperty(mutated, async (doc) => {
        let valid = true;
        try {
          validateReport(typeof doc === 'string' ? JSON.parse(doc) : doc);
        } catch {
          valid = false;
        }
        const res = await c.post(typeof doc === 'string' ? doc : JSON.stringify(doc) ?? 'null');
        expect(res.status).toBeLessThan(500);
        if (!valid) expect(res.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 300 },
    );
    expect(c.store.stats('demo-shop', 0, Infinity)).toEqual([]);
  });
});

describe('GET /v1/stats', () => {
  it('needs the bearer token', async () => {
    const c = collector();
    expect((await c.stats('wrong')).status).toBe(401);
    expect((await c.app.request('/v1/stats?site=demo-shop')).status).toBe(401);
  });

  it('withholds cells fewer than k reports contributed to', async () => {
    const c = collector();
    await c.post(report());
    await c.post(report());
    let body = await (await c.stats()).json();
    expect(body).toMatchObject({ k: 3, withheld: 2, cells: [] });
    await c.post(report());
    body = await (await c.stats()).json();
    expect(body.withheld).toBe(0);
    expect(body.cells).toHaveLength(2);
  });
});

describe('SQLite store', () => {
  it('creates its folder and schema on first start, and keeps counters across restarts', () => {
    const dir = join(dataDir(), 'nested', 'data');
    const first = createSqliteStore(dir);
    expect(first.ingest(report(), Date.now())).toBe(true);
    first.close();
    const again = createSqliteStore(dir);
    expect(again.stats('demo-shop', 0, Infinity)).toHaveLength(2);
    again.close();
    const db = new Database(join(dir, 'collector.db'));
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // Nothing but counters and report ids: no table holds a report as such.
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name).sort();
    expect(tables).toEqual(['counters', 'report_ids']);
    db.close();
  });

  it('refuses a database from a newer collector', () => {
    const dir = dataDir();
    createSqliteStore(dir).close();
    const db = new Database(join(dir, 'collector.db'));
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => createSqliteStore(dir)).toThrow(/newer than this collector/);
  });

  it('migrates a version 1 database to version 2 and keeps its counters', () => {
    const dir = dataDir();
    mkdirSync(dir, { recursive: true });
    const old = new Database(join(dir, 'collector.db'));
    old.exec(MIGRATIONS[0]!);
    old.prepare(`INSERT INTO counters VALUES ('demo-shop', 0, 86400000, 'c1', 'trail-10', 'default', 'personalized', 7, 30, 4, 1, 2, 5000)`).run();
    old.pragma('user_version = 1');
    old.close();
    const store = createSqliteStore(dir);
    expect(store.stats('demo-shop', 0, 1)).toEqual([
      {
        catalog: 'c1', offer: 'trail-10', variant: 'default', arm: 'personalized', reports: 7, noisyReports: 0,
        impressions: 30, clicks: 4, dismissals: 1, conversions: 2, revenue: 5000, variance: NO_NOISE,
      },
    ]);
    store.close();
    const db = new Database(join(dir, 'collector.db'));
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
  });

  it('purges report ids after the dedup window', () => {
    const store = createSqliteStore(dataDir());
    store.ingest(report({ id: 'a'.repeat(32) }), 1000);
    expect(store.purgeIds(2000)).toBe(1);
    store.close();
  });
});

describe('on a real loopback server', () => {
  it('accepts a report over the wire and logs neither the address nor the user agent', async () => {
    const c = collector();
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: c.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/reports`, {
        method: 'POST', body: JSON.stringify(report()), headers: { 'Content-Type': 'text/plain', 'User-Agent': 'SecretAgent/1.0', Referer: 'http://ref.example/' },
      });
      expect(res.status).toBe(202);
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(c.log).toHaveLength(1);
    expect(c.log[0]).toMatch(/^POST \/v1\/reports 202 /);
    expect(c.log.join('\n')).not.toMatch(/127\.0\.0\.1|SecretAgent|ref\.example/);
  });
});

describe('experiment statistics', () => {
  const row = (arm: 'personalized' | 'baseline', reports: number, impressions: number, clicks: number) =>
    ({ catalog: 'c', offer: 'o', variant: 'default', arm, reports, impressions, clicks, dismissals: 0, conversions: 0, revenue: 0, noisyReports: 0, variance: NO_NOISE });

  it('gives the CTR uplift with a 95% interval that excludes 0 only for a clear effect', async () => {
    const { holdoutStats } = await import('../../server/stats');
    const clear = holdoutStats([row('personalized', 900, 90_000, 4_500), row('baseline', 100, 10_000, 300)], 0.9)!;
    expect(clear.personalized.ctr).toBeCloseTo(0.05);
    expect(clear.uplift).toBeCloseTo(2 / 3, 5);
    expect(clear.ci95![0]).toBeGreaterThan(0);
    expect(clear.ci95![0]).toBeLessThan(clear.uplift!);
    expect(clear.ci95![1]).toBeGreaterThan(clear.uplift!);
    const noisy = holdoutStats([row('personalized', 90, 900, 31), row('baseline', 10, 100, 3)], 0.9)!;
    expect(noisy.ci95![0]).toBeLessThan(0);
    expect(noisy.ci95![1]).toBeGreaterThan(0);
  });

  it('warns of a sample-ratio mismatch, and not when the split matches the weights', async () => {
    const { holdoutStats } = await import('../../server/stats');
    expect(holdoutStats([row('personalized', 900, 1, 0), row('baseline', 100, 1, 0)], 0.9)!.srm).toMatchObject({ warning: false });
    const skewed = holdoutStats([row('personalized', 800, 1, 0), row('baseline', 200, 1, 0)], 0.9)!.srm!;
    expect(skewed.warning).toBe(true);
    expect(skewed.pValue).toBeLessThan(1e-6);
    expect(skewed.observedShare).toBeCloseTo(0.8);
  });
});

describe('reports with local noise', () => {
  // 2,000 devices: each saw trail-10 three times and clicked once; each report is noised at ε = 1.
  const DEVICES = 2000;
  const random = generator(42);
  const noisy = () => addNoise(report(), 1, random);

  it('keeps totals unbiased and gives each a 95% interval that holds the true total', async () => {
    const c = collector({ k: 1, perMinute: 1e6 });
    for (let i = 0; i < DEVICES; i++) expect((await c.post(noisy())).status).toBe(202);
    const body = await (await c.stats()).json();
    const trail = body.offers.find((o: { variant: string }) => o.variant === 'default');
    expect(trail).toMatchObject({ reports: DEVICES, noisyReports: DEVICES });
    for (const [metric, truth] of [['impressions', 3 * DEVICES], ['clicks', DEVICES], ['conversions', 0], ['revenue', 0]] as const) {
      const [low, high] = trail.ci95[metric];
      expect(low).toBeLessThan(truth);
      expect(high).toBeGreaterThan(truth);
      // The interval is as wide as the noise says: ±1.96 σ of the summed noise of every report.
      expect(high - low).toBeCloseTo(2 * 1.959964 * Math.sqrt(DEVICES * noiseVariance(1, CONTRIBUTION_BOUNDS[metric])), 6);
    }
    // Impressions are bounded at 50, so their noise is wide; clicks (bound 10) far narrower.
    expect(trail.ci95.impressions[1] - trail.ci95.impressions[0]).toBeGreaterThan(trail.ci95.clicks[1] - trail.ci95.clicks[0]);
    const page = await (await c.app.request('/dashboard?site=demo-shop', { headers: { Authorization: 'Bearer secret' } })).text();
    expect(page).toContain('carry local noise');
    expect(page).toMatch(/<small>± \d+<\/small>/);
  });

  it('gives reports without noise no interval', async () => {
    const c = collector({ k: 1 });
    await c.post(report());
    const body = await (await c.stats()).json();
    expect(body.offers[0]).toMatchObject({ noisyReports: 0, ci95: {} });
  });
});

describe('GET /dashboard', () => {
  it('asks for the token, then shows offers, the experiment and a chart, as text', async () => {
    const c = collector();
    expect((await c.app.request('/dashboard?site=demo-shop')).status).toBe(401);
    for (let i = 0; i < 3; i++) await c.post(report());
    await c.post(report({ cells: [{ offer: 'other', variant: 'default', arm: 'baseline', impressions: 1, clicks: 0, dismissals: 0, conversions: 0, revenue: 0 }] }));
    const res = await c.app.request('/dashboard?site=demo-shop', { headers: { Authorization: 'Bearer secret' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await res.text();
    expect(page).toContain('<caption>Offers</caption>');
    expect(page).toContain('<td>trail-10</td><td>default</td><td>9</td><td>3</td><td>33.33%</td>');
    expect(page).toContain('role="img" aria-label="Click-through rate per offer: trail-10 b: 0.00%; trail-10 default: 33.33%"');
    // One report is under k: its offer is not shown.
    expect(page).not.toContain('>other<');
    expect(page).toContain('1 withheld');
  });

  it('signs in with a form that sets an HttpOnly cookie', async () => {
    const c = collector();
    const wrong = await c.app.request('/dashboard/login', { method: 'POST', body: new URLSearchParams({ token: 'nope' }) });
    expect(wrong.headers.get('location')).toBe('/dashboard?failed=1');
    const right = await c.app.request('/dashboard/login', { method: 'POST', body: new URLSearchParams({ token: 'secret' }) });
    expect(right.status).toBe(303);
    const cookie = right.headers.get('set-cookie')!;
    expect(cookie).toMatch(/vitrine_token=secret; .*HttpOnly/);
    expect(cookie).toContain('SameSite=Strict');
    const page = await c.app.request('/dashboard?site=demo-shop', { headers: { Cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
  });

  it('escapes what reaches the page from reports', async () => {
    const c = collector({ k: 1 });
    await c.post(report({ catalog: '<script>alert(1)</script>' }));
    const page = await (await c.app.request('/dashboard?site=demo-shop', { headers: { Authorization: 'Bearer secret' } })).text();
    expect(page).not.toContain('<script>alert(1)</script>');
  });
});
