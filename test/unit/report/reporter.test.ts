// @vitest-environment node
// worker/report/reporter.ts through the engine, to a real collector on loopback. The engine
// needs no DOM: Node gives it fetch, BroadcastChannel and WebCrypto as a Worker would. Node 20
// has no Web Locks, so these tests also cover the sender's fallback (leases).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import '../../../worker/decide-entry';
import '../../../worker/report-entry';
import { createEngine } from '../../../worker/engine';
import { KEEP_MS } from '../../../worker/report/reporter';
import { BACKOFF_MS } from '../../../worker/report/sender';
import { validateReport } from '../../../src/protocol/report';
import { MINUTE_MS } from '../../../src/protocol/time';
import type { EngineApi, EngineEvent, ReportStatus } from '../../../src/protocol/engine';
import type { ExposureRecord, OutboxRecord } from '../../../worker/storage/store';
import { decided, ok } from '../replies';
import { freshIndexedDB } from '../idb';
import { startCdn, type Cdn } from '../../catalog-cdn';
import { registered, startCollectorGate, type CollectorGate } from '../../collector-gate';
import { TEST_CATALOG_DOMAIN as DOMAIN, testCatalog } from '../../fixtures/catalog';

const MIN = MINUTE_MS;

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
    expect(report.cells.some((c) => c.impressions !== (exact[c.offer]?.[0] ?? 0) || c.clicks !== (exact[c.offer]?.[1] ?? 0) || c.dismissals !== 0 || c.conversions !== 0 || c.revenue !== 0)).toBe(
      true,
    );
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
    expect(gate.posts(site).map((p) => [p.id, p.status])).toEqual([
      [kept.id, 503],
      [kept.id, 202],
    ]);
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
    const offers = Array.from({ length: 4001 }, (_, i) => ({
      id: `o${i}`,
      slot: 's',
      content: { title: 't' },
      variants: Array.from({ length: 9 }, (_, j) => ({ id: `v${j}`, weight: 1, content: {} })),
    }));
    await cdn.set(site, { version: 'huge', siteId: site, offers });
    // Past the cached copy's refresh age (the page that shows offers fetches it), the gift-card window still open.
    vi.setSystemTime(T0 + 6 * MIN);
    const second = await tab();
    await until(() => expect(second.events).toContainEqual(expect.objectContaining({ type: 'catalog', version: 'huge' })));
    // Later: the window has closed and cannot be built; the waiting report is due and goes.
    vi.setSystemTime(T0 + 10 * MIN);
    ok(await second.engine.setConsent(all()));
    await until(() =>
      expect(gate.posts(site).map((p) => [p.id, p.status])).toEqual([
        [waiting!.id, 503],
        [waiting!.id, 202],
      ]),
    );
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
