import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { createVitrine, type Vitrine } from 'vitrine';
import { validateReport } from '../../src/protocol/report';
import { testCatalog } from '../fixtures/catalog';
import { travelStoredTime } from '../fixtures/travel';

// The SDK as built, in each engine (real Worker, IndexedDB, Web Locks, fetch keepalive and
// sendBeacon), reporting to the real collector on loopback behind the test gate.
const WORKER = '/dist/vitrine-worker.js';
const cdn = inject('cdn');
const collector = inject('collector');
const MIN = 60_000;
// Hour-long windows and stored times moved hours back: a test's own minute never closes a
// window by itself, so what is sent is what the test arranged.
const WINDOW = 60 * MIN;
let running: Vitrine[] = [];
// Generous: a loaded 2-core machine may take a while for a Worker, a chunk, IndexedDB and a POST.
const until = (check: () => unknown, timeout = 10_000) => vi.waitFor(check, { timeout, interval: 50 });
let n = 0;
let site: string;

interface Post {
  id: string | null;
  status: number;
  body: string;
}
const posts = async (): Promise<Post[]> => (await fetch(`${collector}/__gate/posts/${site}`)).json();
const stats = async (): Promise<{ offer: string; arm: string; reports: number; impressions: number; clicks: number }[]> => (await fetch(`${collector}/__gate/stats/${site}`)).json();
async function fail(...faults: { status?: number; retryAfter?: string; delayMs?: number }[]) {
  expect((await fetch(`${collector}/__gate/fail/${site}`, { method: 'POST', body: JSON.stringify(faults) })).status).toBe(204);
}

async function start(extra: Record<string, unknown> = {}): Promise<Vitrine> {
  const v = await createVitrine({ siteId: site, workerUrl: WORKER, catalogUrl: `${cdn}/c/${site}`, collectorUrl: collector, reportWindow: WINDOW, ...extra });
  running.push(v);
  return v;
}
async function stop(v: Vitrine) {
  await v.destroy();
  running = running.filter((r) => r !== v);
}

/** A record of the export, with the outbox's fields these tests read. */
type StoredRecord = Record<string, unknown> & { reportedUntil?: number; reports: { id: string; attempts: number }[] };
const stored = async (v: Vitrine, name: string) => (await v.privacy.export()).stores[name] as StoredRecord[];

const travel = (ms: number) => travelStoredTime({ db: `vitrine:${site}`, ms });

/** A first visit: consent, two offers seen and one clicked, then the tab is closed. */
async function visit(consent: { functional?: boolean; personalization?: boolean; measurement?: boolean }) {
  const v = await start();
  await v.consent.set(consent);
  if (consent.measurement) await until(async () => expect((await stored(v, 'outbox'))[0]?.reportedUntil).toBeTypeOf('number'));
  const el = document.createElement('div');
  document.body.append(el);
  await v.render('home-hero', el, { limit: 2, impressionDelayMs: 0 });
  v.track('offer_click', { offer: 'yoga-mat' });
  await v.flush();
  await until(async () => expect(await stored(v, 'exposures')).toHaveLength(3));
  await stop(v);
  await travel(3 * WINDOW);
}

beforeEach(async () => {
  site = `reports-${Date.now().toString(36)}-${n++}`;
  const res = await fetch(`${cdn}/c/${site}`, { method: 'PUT', body: JSON.stringify(testCatalog({ siteId: site })) });
  expect(res.status).toBe(204);
});
afterEach(async () => {
  for (const v of running) await v.destroy();
  running = [];
  document.body.replaceChildren();
  await new Promise((resolve) => {
    const r = indexedDB.deleteDatabase(`vitrine:${site}`);
    r.onsuccess = r.onerror = r.onblocked = resolve;
  });
});

describe('aggregate reports from the browser to a real collector', () => {
  it('loads reporting only when it has work: as measuring starts, then once a window has closed, never on the pages between', async () => {
    // The SDK's files from the CDN stand-in, which counts them: the engine's chunks load beside its script.
    const workerUrl = `${cdn}/sdk/vitrine-worker.js`;
    const loads = async () => ((await fetch(`${cdn}/hits/sdk:vitrine-report.js`)).json() as Promise<{ ok: number }>).then((h) => h.ok);
    const before = await loads();
    const first = await start({ workerUrl });
    await first.consent.set({ measurement: true });
    await until(async () => expect((await stored(first, 'outbox'))[0]?.reportedUntil).toBeTypeOf('number'));
    expect(await loads()).toBe(before + 1);
    await stop(first);

    // The next pages of the same window: nothing to build or send, so no chunk.
    for (let page = 0; page < 2; page++) {
      const v = await start({ workerUrl });
      await v.decide('home-hero', { limit: 1 });
      await new Promise((r) => setTimeout(r, 300));
      await stop(v);
    }
    expect(await loads()).toBe(before + 1);

    // A window has closed since: the next page loads it, builds the window and sends what it holds.
    await travel(3 * WINDOW);
    const later = await start({ workerUrl });
    await until(async () => expect((await stored(later, 'outbox'))[0]?.reportedUntil).toBeGreaterThan(Date.now() - 2 * WINDOW));
    expect(await loads()).toBe(before + 2);
  });

  it('with measurement granted, the collector receives a valid report and its counters rise', async () => {
    await visit({ measurement: true });
    const v = await start();
    await until(async () => expect((await posts()).map((p) => p.status)).toEqual([202]));
    const [post] = await posts();
    const report = validateReport(JSON.parse(post!.body));
    expect(report.cells.map((c) => c.offer)).toEqual(['trail-10', 'trail-10', 'yoga-mat', 'vitamins', 'gift-card', 'coffee-again', 'big-basket']);
    const rows = await stats();
    expect(rows.find((r) => r.offer === 'yoga-mat')).toMatchObject({ arm: 'contextual', reports: 1, impressions: 1, clicks: 1 });
    expect(rows.find((r) => r.offer === 'gift-card')).toMatchObject({ reports: 1, impressions: 1, clicks: 0 });
    await until(() => expect(v.state().reports).toEqual({ pending: 0, sent: 1, dropped: 0 }));
    expect(await stored(v, 'outbox')).toMatchObject([{ reports: [] }]);
  });

  it('with measurement refused, not one request reaches the collector', async () => {
    await visit({ functional: true, personalization: true, measurement: false });
    const v = await start();
    await v.decide('home-hero', { limit: 1 });
    dispatchEvent(new PageTransitionEvent('pagehide'));
    await new Promise((r) => setTimeout(r, 500));
    expect(await posts()).toEqual([]);
    expect(await stored(v, 'outbox')).toEqual([]);
    expect(v.state().reports).toEqual({ pending: 0, sent: 0, dropped: 0 });
  });

  it('once measurement is being withdrawn, the page hidden meanwhile sends nothing, and the outbox is erased', async () => {
    await visit({ measurement: true });
    // The worker's send is held at the collector, so the page has the report ready to send itself.
    await fail({ delayMs: 8000 });
    const v = await start();
    await until(() => expect(v.state().reports.pending).toBe(1));
    // The worker's own send has reached the collector (held there): what follows adds nothing.
    await until(async () => expect(await posts()).toHaveLength(1));
    const withdrawing = v.consent.set({ measurement: false });
    // The page is hidden while the engine is still applying the withdrawal.
    await new Promise((r) => setTimeout(r, 0));
    dispatchEvent(new PageTransitionEvent('pagehide'));
    await withdrawing;
    await new Promise((r) => setTimeout(r, 1000));
    expect(await posts()).toHaveLength(1);
    expect(await stored(v, 'outbox')).toEqual([]);
    expect(v.state().reports.pending).toBe(0);
  });

  it('after another tab withdraws and grants measurement again, this page does not send what was erased', async () => {
    await visit({ measurement: true });
    await fail({ delayMs: 8000 });
    const a = await start({ engine: 'worker' });
    await until(() => expect(a.state().reports.pending).toBe(1));
    await until(async () => expect(await posts()).toHaveLength(1));
    const b = await start({ engine: 'worker' });
    await b.consent.set({ measurement: false });
    await b.consent.set({ measurement: true });
    await until(() => expect(a.consent.get().purposes.measurement).toBe(true));
    await until(async () => expect((await stored(a, 'outbox'))[0]).toMatchObject({ reports: [] }));
    dispatchEvent(new PageTransitionEvent('pagehide'));
    await new Promise((r) => setTimeout(r, 1000));
    // Only the worker's own send, made before the withdrawal and still held at the collector.
    expect(await posts()).toHaveLength(1);
  });

  it('keeps a report in the outbox across a reload until the collector acknowledges it', async () => {
    await visit({ measurement: true });
    await fail({ status: 503 });
    const first = await start();
    await until(async () => expect((await stored(first, 'outbox'))[0]?.reports[0]?.attempts).toBe(1));
    const kept = (await stored(first, 'outbox'))[0]!.reports[0]!;
    expect(first.state().reports).toMatchObject({ pending: 1, sent: 0 });
    await stop(first);
    await travel(WINDOW);

    const second = await start();
    await until(async () =>
      expect((await posts()).map((p) => [p.id, p.status])).toEqual([
        [kept.id, 503],
        [kept.id, 202],
      ]),
    );
    await until(async () => expect((await stored(second, 'outbox'))[0]!.reports).toEqual([]));
    expect((await stats()).every((r) => r.reports === 1)).toBe(true);
  });

  it('after a 500 the worker retries by itself, and the report counts exactly once', async () => {
    await visit({ measurement: true });
    await fail({ status: 500, retryAfter: '1' });
    const v = await start();
    await until(async () => expect((await posts()).map((p) => p.status)).toEqual([500, 202]), 15_000);
    const [failed, sent] = await posts();
    expect(sent!.id).toBe(failed!.id);
    expect((await stats()).find((r) => r.offer === 'yoga-mat')).toMatchObject({ reports: 1, impressions: 1, clicks: 1 });
    await until(() => expect(v.state().reports).toMatchObject({ pending: 0, sent: 1 }));
  });

  it('two tabs flushing at once send a waiting report once (Web Locks)', async () => {
    await visit({ measurement: true });
    await fail({ status: 503 });
    const builder = await start();
    await until(async () => expect((await stored(builder, 'outbox'))[0]?.reports[0]?.attempts).toBe(1));
    await stop(builder);
    await travel(WINDOW);

    const [a, b] = await Promise.all([start({ engine: 'worker' }), start({ engine: 'worker' })]);
    await until(async () => expect((await stored(a, 'outbox'))[0]!.reports).toEqual([]));
    await until(() => expect(a.state().reports.sent + b.state().reports.sent).toBe(1));
    await new Promise((r) => setTimeout(r, 500));
    expect((await posts()).map((p) => p.status)).toEqual([503, 202]);
  });

  it('the one sender holds a Web Lock: while another holds it, nothing is sent', async () => {
    await visit({ measurement: true });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let granted: () => void = () => undefined;
    const locked = new Promise<void>((resolve) => (granted = resolve));
    void navigator.locks.request(`vitrine:${site}:reports`, () => (granted(), held));
    await locked;
    const v = await start();
    await until(() => expect(v.state().reports.pending).toBe(1));
    await new Promise((r) => setTimeout(r, 1500));
    expect(await posts()).toEqual([]);
    release();
    await until(async () => expect((await posts()).map((p) => p.status)).toEqual([202]));
  });

  it('a page being hidden sends the ready report itself, which stays in the outbox until a send is acknowledged', async () => {
    await visit({ measurement: true });
    // The worker's own send is held for 8 s: the page hides meanwhile.
    await fail({ delayMs: 8000 });
    const v = await start();
    await until(async () => expect(await posts()).toHaveLength(1));
    await until(() => expect(v.state().reports.pending).toBe(1));
    dispatchEvent(new PageTransitionEvent('pagehide'));
    await until(async () => expect((await posts()).map((p) => p.status)).toEqual([0, 202]));
    expect(await stored(v, 'outbox')).toMatchObject([{ reports: [{ attempts: 0 }] }]);
    await until(async () => expect((await posts()).map((p) => p.status)).toEqual([202, 202]), 15_000);
    const [held, beacon] = await posts();
    expect(beacon!.id).toBe(held!.id);
    expect((await stats()).every((r) => r.reports === 1)).toBe(true);
    await until(async () => expect((await stored(v, 'outbox'))[0]!.reports).toEqual([]));
  });
});
