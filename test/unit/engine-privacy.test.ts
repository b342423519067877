// @vitest-environment node
// Tests of the promises the product makes (consent gates, erasures, mute, caps, the cart
// merge, the send-time check), each written to fail when the code that keeps it breaks: every
// one was checked against a deliberately planted bug. The engine needs no DOM: Node gives it
// fetch, BroadcastChannel and WebCrypto as a Worker would.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import '../../worker/decide-entry';
import '../../worker/report-entry';
import { createIdbStore } from '../../worker/storage/idb';
import { databaseName } from '../../worker/storage/database';
import { emptyProfile, updateProfile, type Profile } from '../../worker/profile';
import { buildReports } from '../../worker/report/build';
import { reportModule } from '../../worker/report/index';
import { compileCatalog } from '../../worker/decide/compile';
import { rank } from '../../worker/decide/rank';
import { ExposureLog } from '../../worker/exposures';
import { noPriors } from '../../worker/state';
import type { EngineContext } from '../../worker/context';
import { keptAnyway } from '../../worker/purposes';
import type { CartRecord, ExposureRecord, Guard, OutboxRecord, Store } from '../../worker/storage/store';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { CONTRIBUTION_BOUNDS } from '../../src/protocol/report';
import { resolveOptions } from '../../src/protocol/options';
import type { ConsentState } from '../../src/protocol/consent';
import type { EngineApi, ReportStatus } from '../../src/protocol/engine';
import type { TrackEvent } from '../../src/protocol/events';
import { decided, ok } from './replies';
import { engineTabs } from './engine-tabs';
import { registered, startCollectorGate, type CollectorGate } from '../collector-gate';
import { testCatalog } from '../fixtures/catalog';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const ALL = decided({ functional: true, personalization: true, measurement: true });
const NONE = decided({});

const item = (sku: string, qty = 1) => ({ sku, qty, price: 10 });
const impression = (offer: string) => ({ offer, variant: 'default', arm: 'contextual' as const, slot: 'home-hero', kind: 'impression' as const });
const trailView = (at: number): TrackEvent => ({ type: 'product_view', at, payload: { sku: 'TR-1', category: 'trail-running', brand: 'Salomon', price: 140 } });
const trailAdd = (at: number): TrackEvent => ({ type: 'add_to_cart', at, payload: { sku: 'TR-1', category: 'trail-running', brand: 'Salomon', price: 140 } });
const yogaView = (at: number): TrackEvent => ({ type: 'product_view', at, payload: { sku: 'YM-1', category: 'yoga', price: 30 } });

const tabs = engineTabs('promises');
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});
const tab = (options?: Record<string, unknown>) => tabs.open(options);

/** What the device holds, as the shopper's export shows it. */
async function stored(engine: EngineApi) {
  return ok(await engine.exportData()).stores;
}

const metaKeys = async (engine: EngineApi) => ((await stored(engine)).meta as { key: string }[]).map((m) => m.key).sort();
const cartItems = async (engine: EngineApi) => ok(await engine.getCart()).items;
const bySku = (items: { sku: string }[]) => [...items].sort((a, b) => (a.sku < b.sku ? -1 : 1));

describe('a storage write re-checks the stored consent decision inside its own transaction', () => {
  const mayKeepSignals: Guard = (c) => !!c?.purposes.personalization;
  const mayKeepCart: Guard = (c) => !!c?.purposes.functional;
  const mayKeepExposures: Guard = (c) => !!c && (c.purposes.functional || c.purposes.measurement);
  const retention = { maxSignals: 100, maxAgeDays: 30 };
  const T = Date.now();
  const events = [yogaView(T)];
  const cart: CartRecord = { id: 'current', lines: [{ ...item('A'), updatedAt: T }], updatedAt: T };
  const seen: ExposureRecord = { ...impression('yoga-mat'), at: T };

  async function counts(store: Store) {
    const out: Record<string, number> = {};
    for (const name of ['signals', 'profile', 'cart', 'exposures'] as const) out[name] = await store.count(name);
    return out;
  }

  it('refuses with consent-required, and writes nothing, when another connection stored a withdrawal this one never heard of', async () => {
    const name = databaseName(tabs.site);
    const store = await createIdbStore(name, 1000);
    await store.setMeta('consent', ALL, keptAnyway);
    // Another tab withdraws through its own connection; this store is not told.
    const other = await createIdbStore(name, 1000);
    await other.setMeta('consent', NONE, keptAnyway);
    other.close();

    await expect(store.appendSignals(events, retention, T, (p) => updateProfile(p, events), mayKeepSignals)).rejects.toMatchObject({ code: 'consent-required' });
    await expect(store.update('cart', () => cart, mayKeepCart)).rejects.toMatchObject({ code: 'consent-required' });
    await expect(store.addExposure(seen, mayKeepExposures)).rejects.toMatchObject({ code: 'consent-required' });
    expect(await counts(store)).toEqual({ signals: 0, profile: 0, cart: 0, exposures: 0 });

    // The same writes land once the stored decision allows them again.
    await store.setMeta('consent', ALL, keptAnyway);
    await store.appendSignals(events, retention, T, (p) => updateProfile(p, events), mayKeepSignals);
    await store.update('cart', () => cart, mayKeepCart);
    await store.addExposure(seen, mayKeepExposures);
    expect(await counts(store)).toEqual({ signals: 1, profile: 1, cart: 1, exposures: 1 });
    store.close();
  });

  it("a tab that has not heard of another tab's withdrawal yet writes nothing back after its erasure", async () => {
    const here = await tab();
    ok(await here.engine.setConsent(ALL));
    ok(await here.engine.track([yogaView(Date.now())]));
    // The other tab's message never arrives (it has no BroadcastChannel): only the device knows.
    vi.stubGlobal('BroadcastChannel', undefined);
    const there = await tab();
    ok(await there.engine.setConsent(NONE));

    expect(ok(await here.engine.track([yogaView(Date.now())]))).toBe(0);
    // The cart change still happens, for this session only.
    expect(ok(await here.engine.cart({ kind: 'add', item: item('A') }))).toMatchObject({ items: [item('A')] });
    ok(await here.engine.exposure(impression('yoga-mat')));
    const left = await stored(there.engine);
    expect({ signals: left.signals, profile: left.profile, cart: left.cart, exposures: left.exposures, outbox: left.outbox }).toEqual({
      signals: [],
      profile: [],
      cart: [],
      exposures: [],
      outbox: [],
    });
  });
});

describe('the report chunk checks measurement consent again at send time', { timeout: 30_000 }, () => {
  let gate: CollectorGate;
  // A recent minute boundary plus 10 s: the collector takes only windows a device could still send.
  const T0 = Math.floor(Date.now() / MIN) * MIN - 10 * MIN + 10_000;
  const catalog = validateCatalog(testCatalog());

  beforeAll(async () => {
    gate = await startCollectorGate();
    await registered(gate.register(JSON.stringify(testCatalog())));
  });
  afterAll(() => gate.stop());

  /**
   * A report waiting in the outbox of a real IndexedDB store, whose stored decision still
   * allows measurement, and a stand-in for the engine that loaded the chunk. With
   * `withdraw`, the engine hears of a withdrawal at the moment the page is told of
   * the waiting reports: its in-memory decision changed, the record and the erasure not yet.
   */
  async function waitingReport(withdraw: boolean) {
    const now = Date.now();
    const store = await createIdbStore(databaseName('test-shop'), 1000);
    const measured = decided({ measurement: true });
    await store.setMeta('consent', measured, keptAnyway);
    const [report] = buildReports({
      catalog,
      siteId: 'test-shop',
      windowMs: MIN,
      from: T0,
      now: T0 + 2 * MIN,
      room: 10,
      exposures: [{ ...impression('yoga-mat'), at: T0 + 1000 }],
    }).reports;
    await store.update(
      'outbox',
      (): OutboxRecord => ({
        id: 'current',
        reportedUntil: T0 + MIN,
        reports: [{ id: report!.id, body: JSON.stringify(report), createdAt: now, attempts: 0, nextAt: now }],
      }),
      keptAnyway,
    );
    let consent: ConsentState = measured;
    let closed = false;
    const statuses: ReportStatus[] = [];
    const ctx: EngineContext = {
      config: { ...resolveOptions({ siteId: 'test-shop', collectorUrl: gate.base, reportWindow: MIN }), dbName: databaseName('test-shop') },
      catalog: { current: null, compiled: null, etag: null, fetchedAt: 0 },
      priors: noPriors(),
      store: () => store,
      consent: () => consent,
      closed: () => closed,
      emit: (event) => {
        if (event.type !== 'reports') return;
        statuses.push(event.status);
        if (withdraw && event.ready.length) consent = decided({ functional: true });
      },
      guarded: (fn) => fn(),
      keptIfAllowed: (fn) => fn(),
      guardOf: () => keptAnyway,
      serial: (fn) => fn(),
      seed: () => 1,
      mayKeep: () => true,
    };
    await reportModule.startReports(ctx);
    closed = true;
    const outbox = await store.get('outbox');
    store.close();
    return { report: report!, statuses, outbox };
  }

  it('sends a waiting report while measurement is granted', async () => {
    const { report, outbox } = await waitingReport(false);
    expect(gate.posts('test-shop').map((p) => [p.id, p.status])).toEqual([[report.id, 202]]);
    expect(outbox?.reports).toEqual([]);
  });

  it('sends nothing once measurement is withdrawn, even while the outbox is still on the device', async () => {
    const before = gate.posts('test-shop').length;
    const { report, statuses, outbox } = await waitingReport(true);
    expect(gate.posts('test-shop')).toHaveLength(before);
    expect(statuses.at(-1)).toMatchObject({ sent: 0 });
    // Erasing it is the engine's job (enforce); the chunk only stops sending.
    expect(outbox?.reports.map((r) => r.id)).toEqual([report.id]);
  });
});

describe('a muted category is never learned', () => {
  const T = Date.parse('2026-11-23T12:00:00Z');

  it('updateProfile learns no affinity, brand, price or visit from a muted category', () => {
    const muted = new Set(['trail-running']);
    expect(updateProfile(undefined, [trailView(T), trailAdd(T + 1000), { type: 'category_view', at: T + 2000, payload: { category: 'trail-running' } }], muted)).toEqual(emptyProfile(T));
    // What is not muted in the same batch is learned as usual, and only that.
    const mixed = updateProfile(undefined, [trailView(T), yogaView(T + 1000), trailAdd(T + 2000)], muted);
    expect(Object.keys(mixed.categories)).toEqual(['yoga']);
    expect(mixed.brands).toEqual({});
    expect(mixed.price).toEqual({ weight: 1, mean: Math.log10(30), variance: 0, at: T + 1000 });
    expect(mixed.events).toBe(1);
    // A page view still counts as a visit, but its muted category gains nothing.
    const page = updateProfile(undefined, [{ type: 'page_view', at: T, payload: { path: '/c/trail', category: 'trail-running' } }], muted);
    expect(page.categories).toEqual({});
    expect(page.visits).toBe(1);
  });

  it('browsing a category after muting it leaves the stored profile without it', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(ALL));
    ok(await engine.track([yogaView(Date.now())]));
    ok(await engine.mute('trail-running'));
    ok(await engine.track([trailView(Date.now()), trailAdd(Date.now())]));

    const [profile] = (await stored(engine)).profile as Profile[];
    expect(Object.keys(profile!.categories)).toEqual(['yoga']);
    expect(profile!.brands).toEqual({});
    // Muting started the price band again; nothing of the muted category went into it since.
    expect(profile!.price).toBeNull();
    expect(JSON.stringify(profile)).not.toMatch(/trail|Salomon/);
  });
});

describe('frequency caps', () => {
  const NOW = Date.parse('2026-11-23T12:00:00Z');
  const withCaps = (caps: Record<string, number>) => {
    const doc = testCatalog();
    (doc.offers[1] as Record<string, unknown>).caps = caps; // yoga-mat, the first by priority
    return compileCatalog(validateCatalog(doc));
  };

  /** Decides at each time, and records an impression whenever yoga-mat is in the slate. */
  function shownAt(caps: Record<string, number>, minutes: number[], log = new ExposureLog()) {
    const compiled = withCaps(caps);
    return minutes.map((m) => {
      const now = NOW + m * MIN;
      const input = { now, personal: null, cart: { categories: new Set<string>(), value: 0 }, page: {}, muted: new Set<string>(), learned: null };
      const shown = rank(compiled, 'home-hero', 4, input, log, 1, 0).some((d) => d.id === 'yoga-mat');
      if (shown) log.add({ ...impression('yoga-mat'), at: now });
      return shown;
    });
  }

  it('perHour: N shows an offer N times within an hour, not the N+1th, and again once the first leaves the hour', () => {
    expect(shownAt({ perHour: 2 }, [0, 10, 20, 30, 59, 60])).toEqual([true, true, false, false, false, true]);
    expect(shownAt({ perHour: 1 }, [0, 1, 59, 60, 61])).toEqual([true, false, false, true, false]);
  });

  it('perWeek: N shows an offer N times within seven days, and again once the first is a week old', () => {
    const days = [0, 1, 2, 3, 6.9, 7].map((d) => (d * DAY) / MIN);
    expect(shownAt({ perWeek: 3 }, days)).toEqual([true, true, true, false, false, true]);
  });

  it('perDay: N shows an offer exactly N times in a day', () => {
    expect(shownAt({ perDay: 2 }, [0, 60, 120, 23 * 60, 24 * 60])).toEqual([true, true, false, false, true]);
  });

  it('keeps a dismissed offer away for exactly its cool-down, then shows it again', () => {
    const compiled = withCaps({ dismissCooldownHours: 72 });
    const log = new ExposureLog();
    log.add({ ...impression('yoga-mat'), kind: 'dismiss', at: NOW });
    const shown = (now: number) =>
      rank(compiled, 'home-hero', 4, { now, personal: null, cart: { categories: new Set<string>(), value: 0 }, page: {}, muted: new Set<string>(), learned: null }, log, 1, 0).some(
        (d) => d.id === 'yoga-mat',
      );
    expect([NOW + 72 * HOUR - 1, NOW + 72 * HOUR].map(shown)).toEqual([false, true]);
  });

  it('perHour holds in the engine: an offer with perHour: 2 is shown twice in the hour, then again after it', async () => {
    tabs.cdn.set(tabs.site, testCatalog({ siteId: tabs.site, offers: testCatalog().offers.map((o) => (o.id === 'yoga-mat' ? { ...o, caps: { perHour: 2 } } : o)) }));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const { engine } = await tab();
    ok(await engine.setConsent(decided({ functional: true })));
    const shown: boolean[] = [];
    for (const m of [0, 10, 20, 30, 61]) {
      vi.setSystemTime(NOW + m * MIN);
      const slate = ok(await engine.decide('home-hero', undefined));
      shown.push(slate.some((d) => d.id === 'yoga-mat'));
      if (shown.at(-1)) ok(await engine.exposure(impression('yoga-mat')));
    }
    expect(shown).toEqual([true, true, false, false, true]);
  });
});

describe('granting functional consent merges the session cart into the cart kept on the device', () => {
  const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

  it('keeps every line of both, and for a SKU in both the line changed last', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // Two tabs that cannot hear each other (no BroadcastChannel), both opened before any decision.
    vi.stubGlobal('BroadcastChannel', undefined);
    vi.setSystemTime(T0);
    const here = await tab();
    const there = await tab();
    ok(await here.engine.cart({ kind: 'add', item: item('B', 2) }));

    // The other tab is granted functional consent and keeps its cart on the device.
    vi.setSystemTime(T0 + MIN);
    ok(await there.engine.setConsent(decided({ functional: true })));
    for (const sku of ['A', 'B', 'D']) ok(await there.engine.cart({ kind: 'add', item: item(sku, sku === 'B' ? 5 : 1) }));
    ok(await there.engine.close());

    // This tab, still undecided, changes its session cart after that.
    vi.setSystemTime(T0 + 2 * MIN);
    ok(await here.engine.cart({ kind: 'add', item: item('A', 3) }));
    ok(await here.engine.cart({ kind: 'add', item: item('C') }));

    vi.setSystemTime(T0 + 3 * MIN);
    ok(await here.engine.setConsent(decided({ functional: true })));
    const merged = [item('A', 3), item('B', 5), item('C'), item('D')];
    expect(bySku(await cartItems(here.engine))).toEqual(merged);
    const [record] = (await stored(here.engine)).cart as CartRecord[];
    expect(bySku(record!.lines)).toEqual(merged.map((l) => ({ ...l, updatedAt: ['A', 'C'].includes(l.sku) ? T0 + 2 * MIN : T0 + MIN })));
    ok(await here.engine.close());
    expect(bySku((await tab()).hello.cart.items)).toEqual(merged);
  });
});

describe('what the device keeps follows the decision', () => {
  const metaValue = async (engine: EngineApi, key: string) => ((await stored(engine)).meta as { key: string; value: unknown }[]).find((m) => m.key === key)?.value;

  it('keeps the last decisions only with personalization, and erases them when it is withdrawn', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(decided({ functional: true })));
    ok(await engine.decide('home-hero', undefined));
    expect(await metaKeys(engine)).not.toContain('decisions');
    ok(await engine.setConsent(ALL));
    ok(await engine.decide('home-hero', undefined));
    expect(await metaKeys(engine)).toContain('decisions');
    ok(await engine.setConsent(decided({ functional: true, measurement: true })));
    expect(await metaKeys(engine)).not.toContain('decisions');
  });

  it('answers a decision before keeping it, and a withdrawal right after still leaves none on the device', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(ALL));
    // Withdrawn the moment the decision is answered: its write, queued behind the call that made it, lands first and is erased.
    ok(await engine.decide('home-hero', undefined));
    ok(await engine.setConsent(decided({ functional: true })));
    expect(await metaKeys(engine)).not.toContain('decisions');
    // Withdrawn in the same breath (the decision is made after it, or before it): nothing stored either way.
    ok(await engine.setConsent(ALL));
    const [decision, withdrawal] = [engine.decide('home-hero', undefined), engine.setConsent(decided({ functional: true }))];
    ok(await decision);
    ok(await withdrawal);
    expect(await metaKeys(engine)).not.toContain('decisions');
  });

  it('writes a burst of decisions once, after the last, and a decision waits for no write', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(ALL));
    const puts = vi.spyOn(IDBObjectStore.prototype, 'put');
    const decisionWrites = () => puts.mock.calls.filter(([record]) => (record as { key?: string }).key === 'decisions').length;
    for (let i = 0; i < 5; i++) ok(await engine.decide(i % 2 ? 'home-hero' : 'cart-drawer', undefined));
    // Every decision has answered, and none has been written yet.
    expect(decisionWrites()).toBe(0);
    await vi.waitFor(() => expect(decisionWrites()).toBe(1));
    expect(Object.keys((await metaValue(engine, 'decisions')) as object).sort()).toEqual(['cart-drawer', 'home-hero']);
    puts.mockRestore();
  });

  it('keeps the device seed only with personalization or measurement, and erases it when both are withdrawn', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(decided({ functional: true })));
    expect(await metaKeys(engine)).not.toContain('seed');
    ok(await engine.setConsent(decided({ functional: true, measurement: true })));
    expect(await metaValue(engine, 'seed')).toEqual(expect.any(Number));
    ok(await engine.setConsent(decided({ functional: true })));
    expect(await metaKeys(engine)).not.toContain('seed');
  });

  it("keeps the catalog's ETag, which the server chose, only with functional consent", async () => {
    const { engine } = await tab();
    ok(await engine.decide('home-hero', undefined));
    ok(await engine.setConsent(decided({ personalization: true })));
    expect(await metaValue(engine, 'catalog')).toMatchObject({ catalog: { version: '2026-11-22.1' }, etag: null });
    ok(await engine.setConsent(ALL));
    expect(await metaValue(engine, 'catalog')).toMatchObject({ etag: expect.stringMatching(/^".+"$/) });
  });

  it('keeps lines added before a decision without functional consent in this session only', async () => {
    const { engine } = await tab();
    ok(await engine.cart({ kind: 'add', item: item('A') }));
    ok(await engine.setConsent(decided({ personalization: true, measurement: true })));
    expect((await stored(engine)).cart).toEqual([]);
    expect(await cartItems(engine)).toEqual([item('A')]);
  });
});

describe('muting a category takes what was learned of it out of the device', () => {
  it('removes its purchases from the profile and the purchase signals that hold it', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(ALL));
    const at = Date.now();
    ok(await engine.track([yogaView(at), { type: 'purchase', at, payload: { items: [{ sku: 'TR-1', category: 'trail-running', price: 140, qty: 1 }], total: 140, currency: 'EUR' } }]));
    ok(await engine.mute('trail-running'));
    const { profile, signals } = await stored(engine);
    expect((profile as Profile[])[0]!.purchases).toEqual({});
    expect(JSON.stringify(profile)).not.toContain('trail-running');
    expect(JSON.stringify(signals)).not.toContain('trail-running');
    expect(signals).toHaveLength(1);
  });
});

describe('forget erases everything', () => {
  it("empties every store even while another tab's connection still holds the database open", async () => {
    const name = databaseName(tabs.site);
    const store = await createIdbStore(name, 200);
    await store.setMeta('consent', ALL, keptAnyway);
    await store.update('cart', (): CartRecord => ({ id: 'current', lines: [{ ...item('A'), updatedAt: 1 }], updatedAt: 1 }), keptAnyway);
    await store.addExposure({ ...impression('yoga-mat'), at: 1 }, keptAnyway);
    // A tab that does not close its connection when asked: the deletion waits for it.
    const other = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    await store.destroy();
    const left: Record<string, number> = {};
    for (const s of ['meta', 'cart', 'exposures', 'signals', 'profile', 'outbox']) {
      left[s] = await new Promise<number>((resolve) => {
        const r = other.transaction(s).objectStore(s).count();
        r.onsuccess = () => resolve(r.result);
      });
    }
    other.close();
    expect(left).toEqual({ meta: 0, cart: 0, exposures: 0, signals: 0, profile: 0, outbox: 0 });
  });

  it('returns the other open tabs to no decision, with an empty cart', async () => {
    const a = await tab();
    const b = await tab();
    ok(await a.engine.setConsent(ALL));
    await vi.waitFor(() => expect(b.events.some((e) => e.type === 'consent')).toBe(true));
    ok(await b.engine.cart({ kind: 'add', item: item('A') }));
    ok(await a.engine.forget());
    await vi.waitFor(() => expect(b.events.filter((e) => e.type === 'consent').at(-1)).toMatchObject({ consent: { decided: false } }));
    expect(await cartItems(b.engine)).toEqual([]);
  });

  it('forgets the caps: an offer capped before is shown again', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(decided({ functional: true })));
    for (let i = 0; i < 3; i++) ok(await engine.exposure(impression('trail-10'))); // trail-10 has perDay: 3
    expect(ok(await engine.decide('home-hero', undefined)).map((d) => d.id)).not.toContain('trail-10');
    ok(await engine.forget());
    expect(ok(await engine.decide('home-hero', undefined)).map((d) => d.id)).toContain('trail-10');
  });

  it('forgets the muted categories', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(ALL));
    ok(await engine.mute('yoga'));
    expect(ok(await engine.interests())).toEqual([{ category: 'yoga', label: 'yoga', strength: 0, source: 'muted' }]);
    ok(await engine.forget());
    expect(ok(await engine.interests())).toEqual([]);
    ok(await engine.setConsent(ALL));
    expect(await metaKeys(engine)).not.toContain('muted');
  });
});

describe('reports clamp what one device adds to a cell', () => {
  it('clamps clicks and dismissals to their own bounds', () => {
    const t0 = Date.UTC(2026, 10, 22, 10, 0, 0);
    const many = (kind: ExposureRecord['kind']) => Array.from({ length: 30 }, (_, i): ExposureRecord => ({ ...impression('trail-10'), arm: 'personalized', kind, at: t0 + i }));
    const [report] = buildReports({
      catalog: validateCatalog(testCatalog()),
      siteId: 'test-shop',
      windowMs: MIN,
      from: t0,
      now: t0 + 2 * MIN,
      room: 10,
      exposures: [...many('click'), ...many('dismiss')],
    }).reports;
    expect(report!.cells[0]).toMatchObject({ offer: 'trail-10', clicks: CONTRIBUTION_BOUNDS.clicks, dismissals: CONTRIBUTION_BOUNDS.dismissals });
  });
});
