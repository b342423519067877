// @vitest-environment node
// The engine needs no DOM: Node gives it fetch, BroadcastChannel and WebCrypto as a Worker
// would. Node 20 has no Web Locks, so these tests also cover the sender's fallback (leases).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import '../../worker/decide-entry';
import '../../worker/report-entry';
import { createEngine } from '../../worker/engine';
import { buildReports } from '../../worker/report/build';
import { windowOf } from '../../worker/report/window';
import { BACKOFF_MS, backoff, reportsUrl, retryAfter } from '../../worker/report/sender';
import { KEEP_MS } from '../../worker/report/reporter';
import { validateCatalog } from '../../src/protocol/catalog';
import { CONTRIBUTION_BOUNDS, REPORT_LIMITS, validateReport, type Report } from '../../src/protocol/report';
import type { EngineApi, EngineEvent, ReportStatus } from '../../src/protocol/engine';
import type { ExposureRecord, OutboxRecord } from '../../worker/storage/store';
import { decided, ok } from './replies';
import { freshIndexedDB } from './idb';
import { startCdn, type Cdn } from '../catalog-cdn';
import { registered, startCollectorGate, type CollectorGate } from '../collector-gate';
import { testCatalog } from '../fixtures/catalog';

const MIN = 60_000;
const catalog = validateCatalog(testCatalog());
// (offer, variant) pairs of the test catalog, in catalog order: trail-10 has a variant `b`.
const DOMAIN = [
  ['trail-10', 'default'], ['trail-10', 'b'], ['yoga-mat', 'default'], ['vitamins', 'default'],
  ['gift-card', 'default'], ['coffee-again', 'default'], ['big-basket', 'default'],
];

const exposure = (offer: string, kind: ExposureRecord['kind'], at: number, extra: Partial<ExposureRecord> = {}): ExposureRecord => ({
  offer, variant: 'default', arm: 'personalized', slot: 'home-hero', kind, at, ...extra,
});

describe('building reports', () => {
  const t0 = Date.UTC(2026, 10, 22, 10, 0, 0);
  const base = { catalog, siteId: 'test-shop', windowMs: MIN, from: t0, room: 100 };

  it('gives every (offer, variant) of the catalog a cell, in catalog order, zeros included', () => {
    const { reports, until } = buildReports({ ...base, now: t0 + 2 * MIN, exposures: [exposure('yoga-mat', 'impression', t0 + 5_000)] });
    expect(reports).toHaveLength(1);
    const r = reports[0]!;
    expect(validateReport(JSON.parse(JSON.stringify(r)))).toEqual(r);
    expect(r).toMatchObject({ v: 1, site: 'test-shop', windowStart: new Date(t0).toISOString(), windowMs: MIN, catalog: '2026-11-22.1', noise: { mechanism: 'none' } });
    expect(r.id).toMatch(/^[0-9a-f]{32}$/);
    expect(r.cells.map((c) => [c.offer, c.variant])).toEqual(DOMAIN);
    expect(r.cells[2]).toEqual({ offer: 'yoga-mat', variant: 'default', arm: 'personalized', impressions: 1, clicks: 0, dismissals: 0, conversions: 0, revenue: 0 });
    expect(r.cells.filter((c) => c.impressions === 0)).toHaveLength(DOMAIN.length - 1);
    expect(until).toBe(t0 + MIN);
    // Nothing else: no slot, no time finer than the window, no device identity.
    expect(Object.keys(r).sort()).toEqual(['catalog', 'cells', 'id', 'noise', 'site', 'v', 'windowMs', 'windowStart']);
  });

  it('reports closed windows only, from the given time on, one report per window and arm', () => {
    const exposures = [
      exposure('yoga-mat', 'impression', t0 - 1), // before `from`: already reported
      exposure('yoga-mat', 'impression', t0 + 1_000),
      exposure('yoga-mat', 'click', t0 + 2_000),
      exposure('gift-card', 'impression', t0 + 3_000, { arm: 'contextual' }),
      exposure('gift-card', 'impression', t0 + MIN + 1_000),
      exposure('gift-card', 'impression', t0 + 2 * MIN + 1_000), // the window still open
    ];
    const { reports, until } = buildReports({ ...base, now: t0 + 3 * MIN + 5_000, exposures });
    expect(reports.map((r) => [r.windowStart, r.cells[0]!.arm])).toEqual([
      [new Date(t0).toISOString(), 'personalized'],
      [new Date(t0).toISOString(), 'contextual'],
      [new Date(t0 + MIN).toISOString(), 'personalized'],
    ]);
    const yoga = (r: Report) => r.cells.find((c) => c.offer === 'yoga-mat')!;
    expect(yoga(reports[0]!)).toMatchObject({ impressions: 1, clicks: 1 });
    expect(reports[1]!.cells.find((c) => c.offer === 'gift-card')).toMatchObject({ impressions: 1, arm: 'contextual' });
    expect(until).toBe(t0 + 2 * MIN);
    expect(new Set(reports.map((r) => r.id)).size).toBe(3);
  });

  it('clamps each counter to its contribution bound, with revenue in minor units', () => {
    const many = Array.from({ length: 80 }, (_, i) => exposure('trail-10', 'impression', t0 + i));
    const buys = Array.from({ length: 5 }, (_, i) => exposure('trail-10', 'conversion', t0 + 100 + i, { value: 40_000 }));
    const [r] = buildReports({ ...base, now: t0 + 2 * MIN, exposures: [...many, ...buys] }).reports;
    expect(r!.cells[0]).toMatchObject({ impressions: CONTRIBUTION_BOUNDS.impressions, conversions: CONTRIBUTION_BOUNDS.conversions, revenue: CONTRIBUTION_BOUNDS.revenue });
  });

  it('leaves out exposures of offers the catalog no longer has', () => {
    const { reports } = buildReports({ ...base, now: t0 + MIN, exposures: [exposure('gone', 'impression', t0)] });
    expect(reports).toEqual([]);
  });

  it('reports a window that spans a catalog update once per version, the removed offer under the version that had it', () => {
    const old = [['gone', 'default'], ['yoga-mat', 'default']] as const;
    const exposures = [
      exposure('gone', 'impression', t0 + 1_000, { catalog: '2026-11-21.9' }),
      exposure('gone', 'click', t0 + 2_000, { catalog: '2026-11-21.9' }),
      exposure('yoga-mat', 'impression', t0 + 3_000, { catalog: '2026-11-21.9' }),
      exposure('yoga-mat', 'impression', t0 + 30_000, { catalog: '2026-11-22.1' }),
    ];
    const { reports } = buildReports({ ...base, earlier: { '2026-11-21.9': old }, now: t0 + 2 * MIN, exposures });
    expect(reports.map((r) => r.catalog).sort()).toEqual(['2026-11-21.9', '2026-11-22.1']);
    const before = reports.find((r) => r.catalog === '2026-11-21.9')!;
    expect(before.cells.map((c) => [c.offer, c.variant])).toEqual(old);
    expect(before.cells.map((c) => [c.impressions, c.clicks])).toEqual([[1, 1], [1, 0]]);
    const after = reports.find((r) => r.catalog === '2026-11-22.1')!;
    expect(after.cells.map((c) => [c.offer, c.variant])).toEqual(DOMAIN);
    expect(after.cells[2]!.impressions).toBe(1);
    expect(new Set(reports.map((r) => r.id)).size).toBe(2);
    for (const r of reports) expect(validateReport(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  it('counts an exposure kept before versions were recorded, or of a version it no longer knows, under the current catalog', () => {
    const exposures = [exposure('yoga-mat', 'impression', t0 + 1_000), exposure('yoga-mat', 'impression', t0 + 2_000, { catalog: 'forgotten' })];
    const { reports } = buildReports({ ...base, now: t0 + 2 * MIN, exposures });
    expect(reports).toHaveLength(1);
    expect(reports[0]!.catalog).toBe(catalog.version);
    expect(reports[0]!.cells[2]!.impressions).toBe(2);
  });

  it('splits a large catalog into parts under 64 KiB and 400 cells, each with its own id', () => {
    const offers = Array.from({ length: 1500 }, (_, i) => ({ id: `offer-with-a-longish-identifier-${i}`, slot: 's', content: { title: 't' }, variants: [{ id: 'variant-b', weight: 10, content: {} }] }));
    const big = validateCatalog({ version: 'v-big', siteId: 'test-shop', offers });
    const { reports } = buildReports({ ...base, catalog: big, now: t0 + 2 * MIN, exposures: [exposure('offer-with-a-longish-identifier-7', 'click', t0)] });
    expect(reports.length).toBeGreaterThan(7);
    reports.forEach((r, i) => {
      const body = JSON.stringify(r);
      expect(new TextEncoder().encode(body).length).toBeLessThan(REPORT_LIMITS.bytes);
      expect(validateReport(JSON.parse(body)).part).toEqual({ index: i, count: reports.length });
    });
    expect(reports.flatMap((r) => r.cells)).toHaveLength(3000);
    expect(new Set(reports.map((r) => r.id)).size).toBe(reports.length);
  });

  it('waits a minute after a window closes, for exposures still on their way', () => {
    const exposures = [exposure('yoga-mat', 'impression', t0 + 1_000)];
    expect(buildReports({ ...base, now: t0 + MIN + 59_000, exposures })).toEqual({ reports: [], until: t0 });
    expect(buildReports({ ...base, now: t0 + 2 * MIN, exposures }).reports).toHaveLength(1);
  });

  it('builds a window bigger than the whole outbox alone, once the outbox is empty', () => {
    const exposures = [exposure('yoga-mat', 'impression', t0, { arm: 'personalized' }), exposure('yoga-mat', 'impression', t0, { arm: 'baseline' })];
    const { reports, until } = buildReports({ ...base, now: t0 + 2 * MIN, exposures, room: 1, emptyOutbox: true });
    expect(reports).toHaveLength(2);
    expect(until).toBe(t0 + MIN);
  });

  it('builds a window whole or not at all when the outbox has little room', () => {
    const exposures = [exposure('yoga-mat', 'impression', t0), exposure('yoga-mat', 'impression', t0 + MIN)];
    const { reports, until } = buildReports({ ...base, now: t0 + 3 * MIN, exposures, room: 1 });
    expect(reports).toHaveLength(1);
    expect(buildReports({ ...base, now: t0 + 3 * MIN, exposures: exposures.slice(1), room: 0 }).reports).toEqual([]);
    expect(until).toBe(t0 + MIN);
  });

  it('adds local noise when asked, and says so in the report', () => {
    let i = 0;
    const random = () => ((i = (i * 7919 + 13) % 1000) + 0.5) / 1000;
    const { reports } = buildReports({ ...base, now: t0 + 2 * MIN, exposures: [exposure('yoga-mat', 'impression', t0)], noise: { epsilon: 1 }, random });
    const r = validateReport(JSON.parse(JSON.stringify(reports[0])));
    expect(r.noise).toEqual({ mechanism: 'geometric', epsilon: 1 });
    expect(r.cells.some((c) => c.revenue !== 0)).toBe(true);
  });

  it('refuses a catalog with more cells than a report can carry', () => {
    const offers = Array.from({ length: 4001 }, (_, i) => ({ id: `o${i}`, slot: 's', content: { title: 't' }, variants: Array.from({ length: 9 }, (_, j) => ({ id: `v${j}`, weight: 1, content: {} })) }));
    const huge = validateCatalog({ version: 'v-huge', siteId: 'test-shop', offers });
    expect(() => buildReports({ ...base, catalog: huge, now: t0 + MIN, exposures: [] })).toThrow(/40010 \(offer, variant\) pairs, more than the 40000/);
  });

  it('refuses a catalog whose long ids would need more than 100 parts', () => {
    const long = (prefix: string, i: number) => `${prefix}${i}`.padEnd(100, 'x');
    const offers = Array.from({ length: 3000 }, (_, i) => ({
      id: long('o', i), slot: 's', content: { title: 't' },
      variants: Array.from({ length: 9 }, (_, j) => ({ id: long('v', j), weight: 1, content: {} })),
    }));
    const wide = validateCatalog({ version: 'v-wide', siteId: 'test-shop', offers });
    const exposures = [exposure(long('o', 1), 'impression', t0)];
    expect(() => buildReports({ ...base, catalog: wide, now: t0 + 2 * MIN, exposures })).toThrow(/would take \d+ parts, more than the 100/);
  });

  it('aligns windows on multiples of their length', () => {
    expect(windowOf(t0 + 59_999, MIN)).toBe(t0);
    expect(windowOf(t0 + 60_000, MIN)).toBe(t0 + MIN);
  });
});

describe('retries', () => {
  it('backs off exponentially with jitter, up to an hour', () => {
    expect(backoff(1, undefined, () => 0)).toBe(BACKOFF_MS / 2);
    expect(backoff(1, undefined, () => 0.999_999)).toBeCloseTo(BACKOFF_MS, -1);
    expect(backoff(3, undefined, () => 0)).toBe(2 * BACKOFF_MS);
    expect(backoff(30, undefined, () => 1)).toBe(3_600_000);
  });

  it('honours Retry-After in seconds or as a date, when longer than the backoff', () => {
    const now = Date.UTC(2026, 10, 22);
    expect(retryAfter('120', now)).toBe(120_000);
    expect(retryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(retryAfter('soon', now)).toBeUndefined();
    expect(retryAfter(null, now)).toBeUndefined();
    expect(backoff(1, 120_000, () => 0.5)).toBe(120_000);
  });

  it('resolves the collector URL as the README says: {collectorUrl}/v1/reports', () => {
    expect(reportsUrl('https://shop.example/vitrine', undefined)).toBe('https://shop.example/vitrine/v1/reports');
    expect(reportsUrl('https://shop.example/vitrine/', undefined)).toBe('https://shop.example/vitrine/v1/reports');
    expect(reportsUrl('/', 'https://shop.example/vitrine/vitrine-worker.js')).toBe('https://shop.example/v1/reports');
  });
});

describe('reports from the engine to a real collector on loopback', { timeout: 30_000 }, () => {
  let cdn: Cdn;
  let gate: CollectorGate;
  let engines: EngineApi[] = [];
  let n = 0;
  let site: string;
  // A window boundary plus 10 s, so a test's exposures all fall in one window.
  const T0 = Date.UTC(2026, 10, 22, 9, 0, 10);

  beforeAll(async () => {
    gate = await startCollectorGate();
    // Catalogs put on the CDN are registered with the collector, as a merchant's publish step does.
    cdn = await startCdn((doc) => registered(gate.register(doc)));
  });
  afterAll(async () => {
    await Promise.all([cdn.stop(), gate.stop()]);
  });
  beforeEach(async () => {
    freshIndexedDB();
    engines = [];
    site = `shop-${n++}`;
    await cdn.set(site, testCatalog({ siteId: site }));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
  });
  afterEach(async () => {
    for (const e of engines) await e.close();
    vi.useRealTimers();
  });

  // Made when used, so the decision carries the test's (fake) time.
  const all = () => decided({ functional: true, personalization: true, measurement: true });
  // Generous: a loaded 2-core machine may take a while for a chunk, IndexedDB and a POST.
  const until = (check: () => unknown) => vi.waitFor(check, { timeout: 10_000, interval: 50 });

  /** An engine standing in for a tab, with the last report status it told its page. */
  async function tab(extra: Record<string, unknown> = {}) {
    const engine = createEngine();
    const events: EngineEvent[] = [];
    ok(await engine.init({ siteId: site, catalogUrl: `${cdn.base}/c/${site}`, collectorUrl: gate.base, reportWindow: MIN, ...extra }, (e) => events.push(e)));
    engines.push(engine);
    // A page that shows offers, as every page with exposures does: it brings the catalog, which reports are built against.
    ok(await engine.decide('home-hero', undefined));
    const status = () => events.flatMap((e) => (e.type === 'reports' ? [e.status] : [])).at(-1);
    return { engine, events, status };
  }
  const outbox = async (engine: EngineApi) => ok(await engine.exportData()).stores.outbox?.[0] as OutboxRecord | undefined;
  const show = (engine: EngineApi, offer: string, kind: 'impression' | 'click' | 'dismiss' = 'impression') =>
    engine.exposure({ offer, variant: 'default', slot: 'home-hero', arm: 'personalized', kind }).then(ok);

  /** Opens a tab with what the first saw waiting in a closed window. */
  async function closedWindowWithExposures() {
    const first = await tab();
    const granted = Date.now();
    ok(await first.engine.setConsent(all()));
    // Measuring starts when it is granted (vi.waitFor moves the fake clock a little as it polls).
    await until(async () => expect((await outbox(first.engine))?.reportedUntil).toBeGreaterThanOrEqual(granted));
    expect((await outbox(first.engine))!.reportedUntil).toBeLessThan(T0 + 50_000);
    await show(first.engine, 'yoga-mat');
    await show(first.engine, 'yoga-mat');
    await show(first.engine, 'yoga-mat', 'click');
    await show(first.engine, 'gift-card');
    ok(await first.engine.close());
    vi.setSystemTime(T0 + 2 * MIN);
  }

  it('sends nothing and keeps no outbox without measurement consent', async () => {
    const first = await tab();
    ok(await first.engine.setConsent(decided({ functional: true, personalization: true })));
    await show(first.engine, 'yoga-mat');
    vi.setSystemTime(T0 + 2 * MIN);
    const second = await tab();
    ok(await second.engine.setConsent(decided({ functional: true, personalization: true })));
    await new Promise((r) => setTimeout(r, 200));
    expect(ok(await second.engine.exportData()).stores.exposures).toHaveLength(1);
    expect(await outbox(second.engine)).toBeUndefined();
    expect(gate.posts(site)).toEqual([]);
  });

  it('reports a closed window once measured: the collector counts it, and only what came after consent', async () => {
    const first = await tab();
    ok(await first.engine.setConsent(decided({ functional: true })));
    await show(first.engine, 'yoga-mat'); // kept for caps, never reported
    vi.setSystemTime(T0 + 1_000);
    ok(await first.engine.close());
    await closedWindowWithExposures();
    const next = await tab();
    await until(() => expect(gate.posts(site)).toHaveLength(1));
    const [post] = gate.posts(site);
    expect(post!.status).toBe(202);
    expect(validateReport(JSON.parse(post!.body)).cells).toHaveLength(DOMAIN.length);
    const yoga = (await gate.stats(site)).find((r) => r.offer === 'yoga-mat')!;
    expect(yoga).toMatchObject({ reports: 1, impressions: 2, clicks: 1, arm: 'personalized' });
    expect((await gate.stats(site)).find((r) => r.offer === 'gift-card')).toMatchObject({ impressions: 1 });
    await until(async () => expect((await outbox(next.engine))?.reports).toEqual([]));
    await until(() => expect(next.status()).toMatchObject({ pending: 0, sent: 1, dropped: 0 }));
  });

  it('adds the local noise the site asked for (reportNoise) to what it sends, and says so', async () => {
    await closedWindowWithExposures();
    await tab({ reportNoise: { epsilon: 1 } });
    await until(() => expect(gate.posts(site)).toHaveLength(1));
    const report = validateReport(JSON.parse(gate.posts(site)[0]!.body));
    expect(report.noise).toEqual({ mechanism: 'geometric', epsilon: 1 });
    // 35 counters, each with two-sided geometric noise of α = e^(−1/bound): all of them exact has a chance below 10⁻²⁰.
    const exact = { 'yoga-mat': [2, 1], 'gift-card': [1, 0] } as Record<string, [number, number]>;
    expect(report.cells.some((c) => c.impressions !== (exact[c.offer]?.[0] ?? 0) || c.clicks !== (exact[c.offer]?.[1] ?? 0) || c.dismissals !== 0 || c.conversions !== 0 || c.revenue !== 0)).toBe(true);
    expect((await gate.stats(site)).every((r) => r.noisyReports === 1)).toBe(true);
  });

  it('reports a window that spans a catalog update per version, with the exposures of the removed offer', async () => {
    const first = await tab();
    ok(await first.engine.setConsent(all()));
    await show(first.engine, 'gift-card');
    const stamped = ok(await first.engine.exportData()).stores.exposures as ExposureRecord[];
    expect(stamped.map((e) => e.catalog)).toEqual(['2026-11-22.1']);
    ok(await first.engine.close());
    // The next version drops gift-card; a tab that shows offers once the cached copy is past its refresh age fetches it.
    const v2 = testCatalog({ siteId: site, version: '2026-11-22.2' });
    v2.offers = v2.offers.filter((o) => o.id !== 'gift-card');
    await cdn.set(site, v2);
    vi.setSystemTime(T0 + 6 * MIN);
    const second = await tab();
    await until(() => expect(second.events).toContainEqual({ type: 'catalog', version: '2026-11-22.2' }));
    await show(second.engine, 'yoga-mat');
    ok(await second.engine.close());
    vi.setSystemTime(T0 + 8 * MIN);
    await tab();
    await until(() => expect(gate.posts(site)).toHaveLength(2));
    const reports = gate.posts(site).map((p) => validateReport(JSON.parse(p.body)));
    expect(gate.posts(site).map((p) => p.status)).toEqual([202, 202]);
    const old = reports.find((r) => r.catalog === '2026-11-22.1')!;
    expect(old.cells.find((c) => c.offer === 'gift-card')).toMatchObject({ impressions: 1 });
    expect(old.cells.find((c) => c.offer === 'yoga-mat')).toMatchObject({ impressions: 0 });
    const current = reports.find((r) => r.catalog === '2026-11-22.2')!;
    expect(current.cells.some((c) => c.offer === 'gift-card')).toBe(false);
    expect(current.cells.find((c) => c.offer === 'yoga-mat')).toMatchObject({ impressions: 1 });
  });

  it('keeps a report in the outbox across a restart until the collector acknowledges it', async () => {
    await closedWindowWithExposures();
    gate.fail(site, { status: 503 });
    const second = await tab();
    await until(() => expect(gate.posts(site)).toHaveLength(1));
    await until(async () => expect((await outbox(second.engine))?.reports[0]?.attempts).toBe(1));
    const kept = (await outbox(second.engine))!.reports[0]!;
    // The failure came after the clock was set to T0 + 2 min; the backoff starts from it.
    expect(kept.nextAt).toBeGreaterThanOrEqual(T0 + 2 * MIN + BACKOFF_MS / 2);
    ok(await second.engine.close());

    vi.setSystemTime(T0 + 10 * MIN);
    await tab();
    await until(() => expect(gate.posts(site)).toHaveLength(2));
    expect(gate.posts(site).map((p) => [p.id, p.status])).toEqual([[kept.id, 503], [kept.id, 202]]);
    expect((await gate.stats(site)).find((r) => r.offer === 'yoga-mat')).toMatchObject({ reports: 1, impressions: 2 });
  });

  it('retries after a 500 and the collector counts the report exactly once', async () => {
    await closedWindowWithExposures();
    gate.fail(site, { status: 500 });
    const { engine } = await tab();
    await until(async () => expect((await outbox(engine))?.reports[0]?.attempts).toBe(1));
    vi.setSystemTime(T0 + 3 * MIN);
    ok(await engine.setConsent(all())); // wakes the sender, as its timer would
    await until(() => expect(gate.posts(site).map((p) => p.status)).toEqual([500, 202]));
    expect((await gate.stats(site)).every((r) => r.reports === 1)).toBe(true);
    await until(async () => expect((await outbox(engine))?.reports).toEqual([]));
  });

  it('waits as long as Retry-After says', async () => {
    await closedWindowWithExposures();
    gate.fail(site, { status: 429, retryAfter: '600' });
    const { engine } = await tab();
    await until(async () => expect((await outbox(engine))?.reports[0]?.attempts).toBe(1));
    expect((await outbox(engine))!.reports[0]!.nextAt).toBeGreaterThanOrEqual(T0 + 2 * MIN + 600_000);
    ok(await engine.setConsent(all()));
    await new Promise((r) => setTimeout(r, 200));
    expect(gate.posts(site)).toHaveLength(1);
  });

  it('with the collector down, the whole outbox waits out the backoff, not only the report tried', async () => {
    const first = await tab();
    ok(await first.engine.setConsent(all()));
    await until(async () => expect(await outbox(first.engine)).toBeDefined());
    await show(first.engine, 'yoga-mat');
    // The next window, with offers seen in two arms: three reports in all.
    vi.setSystemTime(T0 + MIN);
    await show(first.engine, 'gift-card');
    await first.engine.exposure({ offer: 'gift-card', variant: 'default', slot: 'home-hero', arm: 'baseline', kind: 'impression' }).then(ok);
    ok(await first.engine.close());
    vi.setSystemTime(T0 + 5 * MIN);
    gate.fail(site, { status: 503, retryAfter: '300' });
    const { engine } = await tab();
    await until(async () => expect((await outbox(engine))?.reports[0]?.attempts).toBe(1));
    const waiting = (await outbox(engine))!.reports;
    expect(waiting).toHaveLength(3);
    for (const r of waiting) expect(r.nextAt).toBeGreaterThanOrEqual(T0 + 5 * MIN + 300_000);
    ok(await engine.setConsent(all()));
    await new Promise((r) => setTimeout(r, 200));
    expect(gate.posts(site)).toHaveLength(1);
  });

  it('measures from the decision that granted it, even when the reporter first runs later', async () => {
    // A page without a collector records the decision and the exposures; no reporter runs.
    const quiet = await tab({ collectorUrl: undefined });
    ok(await quiet.engine.setConsent(all()));
    vi.setSystemTime(T0 + 5_000);
    await show(quiet.engine, 'yoga-mat');
    ok(await quiet.engine.close());
    vi.setSystemTime(T0 + 3 * MIN);
    await tab();
    await until(() => expect(gate.posts(site)).toHaveLength(1));
    expect((await gate.stats(site)).find((r) => r.offer === 'yoga-mat')).toMatchObject({ impressions: 1 });
  });

  it('a report built while the collector backs off waits with the others', async () => {
    await closedWindowWithExposures();
    gate.fail(site, { status: 503, retryAfter: '600' });
    const { engine } = await tab();
    await until(async () => expect((await outbox(engine))?.reports[0]?.attempts).toBe(1));
    // Another window closes meanwhile, with something seen in it.
    await show(engine, 'gift-card');
    vi.setSystemTime(T0 + 5 * MIN);
    ok(await engine.setConsent(all()));
    await until(async () => expect((await outbox(engine))?.reports).toHaveLength(2));
    for (const r of (await outbox(engine))!.reports) expect(r.nextAt).toBeGreaterThanOrEqual(T0 + 2 * MIN + 600_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(gate.posts(site)).toHaveLength(1);
  });

  it('a window that cannot be built does not hold back the reports already waiting', async () => {
    await closedWindowWithExposures();
    gate.fail(site, { status: 503, retryAfter: '300' });
    const first = await tab();
    await until(async () => expect((await outbox(first.engine))?.reports[0]?.attempts).toBe(1));
    const [waiting] = (await outbox(first.engine))!.reports;
    vi.setSystemTime(T0 + 5.5 * MIN);
    await show(first.engine, 'gift-card');
    ok(await first.engine.close());
    // The shop publishes a catalog too big to report, while the gift-card window is still open.
    const offers = Array.from({ length: 4001 }, (_, i) => ({ id: `o${i}`, slot: 's', content: { title: 't' }, variants: Array.from({ length: 9 }, (_, j) => ({ id: `v${j}`, weight: 1, content: {} })) }));
    await cdn.set(site, { version: 'huge', siteId: site, offers });
    // Past the cached copy's refresh age (the page that shows offers fetches it), the gift-card window still open.
    vi.setSystemTime(T0 + 6 * MIN);
    const second = await tab();
    await until(() => expect(second.events).toContainEqual(expect.objectContaining({ type: 'catalog', version: 'huge' })));
    // Later: the window has closed and cannot be built; the waiting report is due and goes.
    vi.setSystemTime(T0 + 10 * MIN);
    ok(await second.engine.setConsent(all()));
    await until(() => expect(gate.posts(site).map((p) => [p.id, p.status])).toEqual([[waiting!.id, 503], [waiting!.id, 202]]));
    await until(() => expect(second.status()?.error).toMatch(/40010 \(offer, variant\) pairs/));
  });

  it('reports nothing from a session running in memory', async () => {
    const broken = freshIndexedDB();
    broken.factory.open = () => {
      throw new DOMException('no storage here', 'SecurityError');
    };
    const { engine } = await tab();
    ok(await engine.setConsent(all()));
    await show(engine, 'yoga-mat');
    expect(ok(await engine.exportData()).storage).toBe('memory');
    vi.setSystemTime(T0 + 5 * MIN);
    ok(await engine.setConsent(all()));
    await new Promise((r) => setTimeout(r, 300));
    expect(gate.posts(site)).toEqual([]);
    expect(await outbox(engine)).toBeUndefined();
  });

  it('says so when collectorUrl is not a URL', async () => {
    const { engine, status } = await tab({ collectorUrl: 'https://' });
    ok(await engine.setConsent(all()));
    await until(() => expect(status()?.error).toBe('options.collectorUrl: expected a URL, got "https://"'));
  });

  it('drops a report the collector refuses with a 4xx, and says why in the status', async () => {
    await closedWindowWithExposures();
    gate.fail(site, { status: 400 });
    const { engine, status } = await tab();
    await until(() => expect(status()).toMatchObject({ pending: 0, sent: 0, dropped: 1 }));
    expect((status() as ReportStatus).error).toMatch(/the collector refused a report: 400/);
    expect((await outbox(engine))?.reports).toEqual([]);
    expect(await gate.stats(site)).toEqual([]);
  });

  it('drops a report it could not deliver within a week', async () => {
    await closedWindowWithExposures();
    gate.fail(site, { status: 503 });
    const second = await tab();
    await until(async () => expect((await outbox(second.engine))?.reports[0]?.attempts).toBe(1));
    ok(await second.engine.close());
    vi.setSystemTime(T0 + KEEP_MS + 10 * MIN);
    const late = await tab();
    await until(() => expect(late.status()).toMatchObject({ dropped: 1, pending: 0 }));
    expect(late.status()!.error).toMatch(/within 7 days/);
    expect(gate.posts(site)).toHaveLength(1);
    // Nor is it handed to the page for a send of its own when it hides: it would be counted twice.
    const handed = late.events.flatMap((e) => (e.type === 'reports' ? e.ready : []));
    expect(handed).toEqual([]);
  });

  it('hands the page a waiting report for its send on hide until a week has passed, then no more', async () => {
    await closedWindowWithExposures();
    gate.fail(site, { status: 503 });
    const second = await tab();
    await until(async () => expect((await outbox(second.engine))?.reports[0]?.attempts).toBe(1));
    ok(await second.engine.close());
    vi.setSystemTime(T0 + KEEP_MS - MIN);
    gate.fail(site, { status: 503 });
    const within = await tab();
    await until(() => expect(within.events.some((e) => e.type === 'reports' && e.ready.length === 1)).toBe(true));
    ok(await within.engine.close());
    vi.setSystemTime(T0 + KEEP_MS + 10 * MIN);
    const late = await tab();
    await until(() => expect(late.status()).toMatchObject({ dropped: 1 }));
    expect(late.events.flatMap((e) => (e.type === 'reports' ? e.ready : []))).toEqual([]);
  });

  it('two tabs starting at once send a waiting report once', async () => {
    await closedWindowWithExposures();
    gate.fail(site, { status: 503 });
    const builder = await tab();
    await until(async () => expect((await outbox(builder.engine))?.reports[0]?.attempts).toBe(1));
    ok(await builder.engine.close());
    vi.setSystemTime(T0 + 10 * MIN);
    const [a, b] = await Promise.all([tab(), tab()]);
    await until(() => expect(gate.posts(site)).toHaveLength(2));
    await until(async () => expect((await outbox(a.engine))?.reports).toEqual([]));
    ok(await b.engine.setConsent(all()));
    await new Promise((r) => setTimeout(r, 200));
    expect(gate.posts(site).map((p) => p.status)).toEqual([503, 202]);
  });

  it('erases the outbox and stops sending when measurement is withdrawn', async () => {
    await closedWindowWithExposures();
    gate.fail(site, { status: 503 });
    const { engine } = await tab();
    await until(async () => expect((await outbox(engine))?.reports[0]?.attempts).toBe(1));
    ok(await engine.setConsent(decided({ functional: true, personalization: true })));
    expect(await outbox(engine)).toBeUndefined();
    vi.setSystemTime(T0 + 30 * MIN);
    ok(await engine.setConsent(decided({ functional: true, personalization: true })));
    await tab();
    await new Promise((r) => setTimeout(r, 200));
    expect(gate.posts(site)).toHaveLength(1);
  });
});
