import { afterAll, describe, expect, it } from 'vitest';
import { Hono, type Context } from 'hono';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { reportArms, reportDomain, validateReport, type Report } from '../../src/protocol/report';
import { simulatePopulation } from '../../server/simulate/population';
import { DAY } from '../../server/simulate/shopper';
import { sendReports } from '../../server/simulate/send';
import { ctr, reportTotals } from '../../server/simulate/totals';
import { parseSimulateArgs } from '../../server/simulate/args';
import { simulate } from '../../server/simulate';

const catalogText = readFileSync('demo/catalog.json', 'utf8');
const catalog = validateCatalog(JSON.parse(catalogText));
const NOW = Date.parse('2026-11-30T09:30:00Z');
const dir = mkdtempSync(join(tmpdir(), 'vitrine-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const withoutIds = (reports: Report[]) => reports.map(({ id: _, ...rest }) => rest);

/** Serves a hono app on a loopback port; `close` stops it. */
async function listen(app: Hono): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A stand-in collector that checks reports as the real one does: valid, and the demo catalog's exact shape. */
function shapeCheckingCollector(received: Report[]): Hono {
  const domain = JSON.stringify(reportDomain(catalog));
  const arms = reportArms(catalog);
  return new Hono().post('/v1/reports', async (c: Context) => {
    let report: Report;
    try {
      report = validateReport(JSON.parse(await c.req.text()));
    } catch (error) {
      return c.json({ error: (error as Error).message }, 400);
    }
    if (report.catalog !== catalog.version) return c.json({ error: `report.catalog: "${report.catalog}" is not a catalog version this collector knows` }, 400);
    if (JSON.stringify(report.cells.map((x) => [x.offer, x.variant])) !== domain || !arms.includes(report.cells[0]!.arm)) {
      return c.json({ error: 'report.cells: expected the catalog version’s cells' }, 400);
    }
    const duplicate = received.some((r) => r.id === report.id);
    if (!duplicate) received.push(report);
    return c.json({ accepted: true, duplicate }, 202);
  });
}

describe('the simulated population', () => {
  const population = simulatePopulation({ catalog, devices: 300, days: 7, seed: 7, now: NOW });
  const { reports } = population;

  it('is the same for the same seed, ids aside, and another for another seed', () => {
    const again = simulatePopulation({ catalog, devices: 300, days: 7, seed: 7, now: NOW });
    expect(withoutIds(again.reports)).toEqual(withoutIds(reports));
    expect(again.devicesByArm).toEqual(population.devicesByArm);
    expect(new Set([...reports, ...again.reports].map((r) => r.id)).size).toBe(2 * reports.length);
    const other = simulatePopulation({ catalog, devices: 300, days: 7, seed: 8, now: NOW });
    expect(withoutIds(other.reports)).not.toEqual(withoutIds(reports));
  });

  it('sends valid reports with exactly the catalog’s cells, in order, for one allowed arm', () => {
    const domain = reportDomain(catalog);
    const arms = reportArms(catalog);
    expect(reports.length).toBeGreaterThan(300);
    for (const report of reports) {
      expect(validateReport(JSON.parse(JSON.stringify(report)))).toEqual(report);
      expect(report.site).toBe('demo-shop');
      expect(report.catalog).toBe(catalog.version);
      expect(report.cells.map((c) => [c.offer, c.variant])).toEqual(domain);
      expect(arms).toContain(report.cells[0]!.arm);
      expect(new Set(report.cells.map((c) => c.arm)).size).toBe(1);
    }
  });

  it('covers each of the last days, one report per device and day, with every arm past k = 20', () => {
    const today = Date.parse('2026-11-30T00:00:00Z');
    const days = new Set(reports.map((r) => r.windowStart));
    expect([...days].sort()).toEqual(Array.from({ length: 7 }, (_, i) => new Date(today - (7 - i) * DAY).toISOString()));
    expect(reports.every((r) => r.windowMs === DAY)).toBe(true);
    const { arms } = reportTotals(reports);
    expect(Object.values(population.devicesByArm).reduce((a, b) => a + b, 0)).toBe(300);
    for (const arm of ['personalized', 'baseline', 'contextual'] as const) expect(arms.get(arm)!.reports).toBeGreaterThanOrEqual(20);
  });

  it('shows the effects its shoppers have: personalization lifts clicks, variant b wins, purchases bring revenue', () => {
    const { arms, offers } = reportTotals(reports);
    const personalized = arms.get('personalized')!;
    const baseline = arms.get('baseline')!;
    expect(ctr(personalized)).toBeGreaterThan(1.3 * ctr(baseline));
    const trail = offers.get('trail-10')!;
    expect(ctr(trail.get('b')!)).toBeGreaterThan(1.3 * ctr(trail.get('default')!));
    expect(trail.get('b')!.impressions).toBeGreaterThan(50);
    const all = [...arms.values()];
    expect(all.reduce((s, t) => s + t.conversions, 0)).toBeGreaterThan(10);
    expect(all.reduce((s, t) => s + t.revenue, 0)).toBeGreaterThan(0);
  });

  it('adds the SDK’s local noise when asked, still valid reports', () => {
    const noisy = simulatePopulation({ catalog, devices: 20, days: 2, seed: 7, now: NOW, epsilon: 1 });
    expect(noisy.reports.length).toBeGreaterThan(0);
    for (const report of noisy.reports) {
      expect(report.noise).toEqual({ mechanism: 'geometric', epsilon: 1 });
      expect(validateReport(JSON.parse(JSON.stringify(report)))).toEqual(report);
    }
    expect(noisy.reports.some((r) => r.cells.some((c) => c.impressions < 0 || c.revenue % 100 !== 0))).toBe(true);
  });
});

describe('sending reports', () => {
  const bodies = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ n: i }));
  const numberOf = async (c: Context) => (JSON.parse(await c.req.text()) as { n: number }).n;

  it('retries a 429 after its Retry-After, then delivers every report once, one at a time', async () => {
    const arrivals: { n: number; at: number; status: number; inFlight: number }[] = [];
    let refused = false;
    let inFlight = 0;
    const server = await listen(
      new Hono().post('/v1/reports', async (c) => {
        inFlight++;
        const n = await numberOf(c);
        const status = refused ? 202 : ((refused = true), 429);
        arrivals.push({ n, at: Date.now(), status, inFlight });
        // Long enough for requests sent together to overlap here.
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        if (status === 429) return c.json({ error: 'too many reports: retry later' }, 429, { 'Retry-After': '1' });
        return c.json({ accepted: true, duplicate: n === 5 }, 202);
      }),
    );
    try {
      const waits: number[] = [];
      const sleep = (ms: number) => (waits.push(ms), new Promise<void>((r) => setTimeout(r, ms)));
      const limited: number[] = [];
      const result = await sendReports(bodies(20), { url: `${server.url}/v1/reports`, concurrency: 4, sleep, onRateLimited: (ms) => limited.push(ms) });
      expect(result).toEqual({ total: 20, delivered: 20, accepted: 19, duplicates: 1, rateLimited: 1, retries: 1 });
      expect(limited).toEqual([1000]);
      expect(waits.length).toBeGreaterThan(0);
      const accepted = arrivals.filter((a) => a.status === 202).map((a) => a.n);
      expect(accepted.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
      const refusal = arrivals.find((a) => a.status === 429)!;
      const retry = arrivals.find((a) => a.status === 202 && a.n === refusal.n)!;
      expect(retry.at - refusal.at).toBeGreaterThanOrEqual(1000);
      expect(arrivals).toHaveLength(21);
      expect(Math.max(...arrivals.slice(0, 4).map((a) => a.inFlight))).toBeGreaterThan(1);
      expect(arrivals.filter((a) => a.at >= retry.at).map((a) => a.inFlight)).toEqual(Array(arrivals.filter((a) => a.at >= retry.at).length).fill(1));
    } finally {
      await server.close();
    }
  });

  it('retries a 503 with a backoff', async () => {
    let failures = 2;
    const server = await listen(new Hono().post('/v1/reports', (c) => (failures-- > 0 ? c.text('unwell', 503) : c.json({ accepted: true, duplicate: false }, 202))));
    try {
      const result = await sendReports(bodies(3), { url: `${server.url}/v1/reports`, concurrency: 1 });
      expect(result).toEqual({ total: 3, delivered: 3, accepted: 3, duplicates: 0, rateLimited: 0, retries: 2 });
    } finally {
      await server.close();
    }
  });

  it('stops at a 400 with the collector’s message', async () => {
    let requests = 0;
    const server = await listen(
      new Hono().post('/v1/reports', async (c) => {
        requests++;
        const n = await numberOf(c);
        return n < 3 ? c.json({ accepted: true, duplicate: false }, 202) : c.json({ error: 'report.catalog: "x" is not a catalog version this collector knows' }, 400);
      }),
    );
    try {
      const result = await sendReports(bodies(50), { url: `${server.url}/v1/reports`, concurrency: 2 });
      expect(result.stopped).toEqual({ status: 400, message: 'report.catalog: "x" is not a catalog version this collector knows' });
      expect(result.delivered).toBe(3);
      expect(requests).toBeLessThanOrEqual(5);
    } finally {
      await server.close();
    }
  });

  it('stops at once when nothing answers', async () => {
    const server = await listen(new Hono());
    await server.close();
    const result = await sendReports(bodies(5), { url: `${server.url}/v1/reports` });
    expect(result.delivered).toBe(0);
    expect(result.stopped?.status).toBeUndefined();
    expect(result.stopped?.message).toMatch(/^no answer from http:\/\/127\.0\.0\.1:\d+\/v1\/reports: .*ECONNREFUSED/);
  });
});

describe('npm run simulate', () => {
  async function run(argv: string[]) {
    const lines: string[] = [];
    const code = await simulate(argv, { out: (l) => lines.push(l), env: {}, now: NOW });
    return { code, out: lines.join('\n') };
  }

  it('fills a collector with the population’s reports and says where to look', async () => {
    const received: Report[] = [];
    const server = await listen(shapeCheckingCollector(received));
    try {
      const { code, out } = await run(['--url', server.url, '--devices', '40', '--days', '3', '--catalog', 'demo/catalog.json']);
      expect(code).toBe(0);
      const expected = simulatePopulation({ catalog, devices: 40, days: 3, seed: 1, now: NOW }).reports;
      expect(received).toHaveLength(expected.length);
      expect(out).toContain(`Done in`);
      expect(out).toContain(`40 devices, ${expected.length} reports sent: ${expected.length} accepted, 0 duplicates.`);
      expect(out).toContain(`Dashboard: ${server.url}/dashboard?site=demo-shop`);
      expect(out).toMatch(/trail-10: default \d+\.\d%, b \d+\.\d%/);
    } finally {
      await server.close();
    }
  });

  it('reads a signed catalog envelope', async () => {
    const file = join(dir, 'signed.json');
    writeFileSync(file, JSON.stringify({ signed: catalogText, signature: 'c2lnbmF0dXJl' }));
    const received: Report[] = [];
    const server = await listen(shapeCheckingCollector(received));
    try {
      const { code } = await run(['--url', server.url, '--devices', '5', '--days', '1', '--catalog', file]);
      expect(code).toBe(0);
      expect(received.length).toBeGreaterThan(0);
      expect(received.every((r) => r.catalog === catalog.version)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('stops when the collector does not know the catalog, and says how to register it', async () => {
    const file = join(dir, 'other.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(catalogText), version: 'unpublished.1' }));
    const server = await listen(shapeCheckingCollector([]));
    try {
      const { code, out } = await run(['--url', server.url, '--devices', '5', '--catalog', file]);
      expect(code).toBe(1);
      expect(out).toContain('error: the collector refused a report: 400 report.catalog: "unpublished.1" is not a catalog version this collector knows');
      expect(out).toContain(`npm run catalog -- publish ${file}`);
    } finally {
      await server.close();
    }
  });

  it('refuses a bad option or catalog with a clear error', async () => {
    expect(await run(['--devices', 'many'])).toMatchObject({ code: 2, out: expect.stringContaining('error: --devices: expected a whole number from 1 to 100000, got "many"') });
    expect(await run(['--url', 'ftp://x'])).toMatchObject({ code: 2, out: expect.stringContaining('error: --url: expected an http(s) URL, got "ftp://x"') });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ version: '1', siteId: 's', offers: [{ id: 'a', slot: 's', content: { title: 'A' }, caps: { perDay: 0 } }] }));
    expect(await run(['--catalog', bad])).toEqual({ code: 1, out: `error: ${bad}: offers[0] (a).caps.perDay: expected a positive integer` });
  });

  it('defaults to the collector on $PORT and the catalog it serves', () => {
    expect(parseSimulateArgs([], { PORT: '9000', VITRINE_CATALOG: 'shop.json' })).toMatchObject({
      url: 'http://localhost:9000',
      catalogFile: 'shop.json',
      catalogGiven: false,
      devices: 300,
      days: 7,
      seed: 1,
      epsilon: undefined,
    });
    expect(parseSimulateArgs(['--noise', '0.5', '--seed', '42'], {})).toMatchObject({ url: 'http://localhost:8080', catalogFile: 'demo/catalog.json', epsilon: 0.5, seed: 42 });
  });
});
