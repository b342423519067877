import { afterEach, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../../server/sqlite';
import { MIGRATIONS as SQLITE_MIGRATIONS } from '../../server/sqlite-schema';
import { createPostgresStore } from '../../server/postgres';
import { MIGRATIONS } from '../../server/postgres-schema';
import { CATALOG_VERSIONS_KEPT, type CatalogShape, type CounterStore, type StatRow } from '../../server/store';
import { CONTRIBUTION_BOUNDS, METRICS, type Metric, type Report } from '../../src/protocol/report';
import { reportCell as cell, report as aReport } from '../fixtures/report';
import type { Arm } from '../../src/protocol/decision';
import { addNoise } from '../../src/protocol/noise';
import { noiseVariance } from '../../src/protocol/geometric-noise';
import { generator } from '../../worker/random';
import { createDatabase } from '../../tools/postgres';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.parse('2026-11-22T00:00:00.000Z');
const NO_NOISE: Record<Metric, number> = { impressions: 0, clicks: 0, dismissals: 0, conversions: 0, revenue: 0 };

/** A valid Report v1 for the daily window at START of `demo-shop`, two cells. */
const report = (patch: Partial<Report> = {}): Report =>
  aReport({
    windowStart: new Date(START).toISOString(),
    catalog: '2026-11-22.1',
    cells: [cell('trail-10', 'default', 'personalized', { impressions: 3, clicks: 1 }), cell('trail-10', 'b', 'personalized')],
    ...patch,
  });

/** What `stats` should say, summed report by report (not through the stores' merge). */
function expectedStats(reports: readonly Report[]): StatRow[] {
  const rows = new Map<string, StatRow>();
  for (const r of reports) {
    const noisy = r.noise.mechanism === 'geometric';
    for (const c of r.cells) {
      const key = JSON.stringify([r.catalog, c.offer, c.variant, c.arm]);
      const row = rows.get(key) ?? { catalog: r.catalog, offer: c.offer, variant: c.variant, arm: c.arm, reports: 0, noisyReports: 0, variance: { ...NO_NOISE }, ...NO_NOISE };
      rows.set(key, row);
      row.reports += 1;
      row.noisyReports += noisy ? 1 : 0;
      for (const m of METRICS) {
        row[m] += c[m];
        if (r.noise.mechanism === 'geometric') row.variance[m] += noiseVariance(r.noise.epsilon, CONTRIBUTION_BOUNDS[m]);
      }
    }
  }
  const order = (s: StatRow) => [s.catalog, s.offer, s.variant, s.arm];
  return [...rows.values()].sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    const i = x.findIndex((v, j) => v !== y[j]);
    return i < 0 ? 0 : x[i]! < y[i]! ? -1 : 1;
  });
}

/** Equal rows, variances equal up to the rounding of summing floats in another order. */
function expectSameStats(actual: StatRow[], expected: StatRow[]) {
  expect(actual.map(({ variance, ...rest }) => rest)).toEqual(expected.map(({ variance, ...rest }) => rest));
  actual.forEach((row, i) => {
    for (const m of METRICS) {
      const want = expected[i]!.variance[m];
      expect(Math.abs(row.variance[m] - want), `${row.offer}/${row.variant}/${row.arm} variance.${m}`).toBeLessThanOrEqual(1e-9 * Math.abs(want));
    }
  });
}

const opened: CounterStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});
async function open(store: Promise<CounterStore> | CounterStore): Promise<CounterStore> {
  const s = await store;
  opened.push(s);
  return s;
}

const stores: [name: string, make: () => Promise<CounterStore>][] = [
  ['SQLite', () => open(createSqliteStore(':memory:'))],
  ['PostgreSQL', async () => open(createPostgresStore(await createDatabase(inject('postgresUrl'))))],
];

describe.each(stores)('the %s store', (_, makeStore) => {
  it('adds a committed report to the counters once', async () => {
    const store = await makeStore();
    const r = report();
    expect(await store.commit([r], START + DAY)).toEqual([true]);
    expect(await store.stats('demo-shop', -Infinity, Infinity)).toEqual([
      { catalog: '2026-11-22.1', offer: 'trail-10', variant: 'b', arm: 'personalized', reports: 1, noisyReports: 0, ...NO_NOISE, variance: NO_NOISE },
      { catalog: '2026-11-22.1', offer: 'trail-10', variant: 'default', arm: 'personalized', reports: 1, noisyReports: 0, ...NO_NOISE, impressions: 3, clicks: 1, variance: NO_NOISE },
    ]);
  });

  it('commits an empty batch as nothing', async () => {
    const store = await makeStore();
    expect(await store.commit([], START)).toEqual([]);
    expect(await store.stats('demo-shop', -Infinity, Infinity)).toEqual([]);
  });

  it('counts a report repeated within one batch once and answers false for the repeats', async () => {
    const store = await makeStore();
    const [a, b] = [report(), report()];
    expect(await store.commit([a, b, a, a], START)).toEqual([true, true, false, false]);
    expect((await store.stats('demo-shop', -Infinity, Infinity)).map((r) => [r.variant, r.reports, r.impressions])).toEqual([
      ['b', 2, 0],
      ['default', 2, 6],
    ]);
  });

  it('counts a report sent again in a later batch once', async () => {
    const store = await makeStore();
    const [a, b] = [report(), report()];
    expect(await store.commit([a], START)).toEqual([true]);
    expect(await store.commit([b, a], START + 1)).toEqual([true, false]);
    expect(await store.commit([a, b], START + 2)).toEqual([false, false]);
    expectSameStats(await store.stats('demo-shop', -Infinity, Infinity), expectedStats([a, b]));
  });

  it('adds up reports, noisy reports, counters and noise variances as the reports sum them', async () => {
    const store = await makeStore();
    const random = generator(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const count = (m: Metric) => Math.floor(random() * (CONTRIBUTION_BOUNDS[m] + 1));
    const reports = Array.from({ length: 60 }, (_, i) => {
      const arm = pick<Arm>(['personalized', 'baseline', 'contextual']);
      const plain = report({
        catalog: pick(['2026-11-22.1', '2026-11-22.2']),
        windowStart: new Date(START + pick([0, 1, 2]) * DAY).toISOString(),
        // Mixed case: rows must come back in byte order, as SQLite sorts.
        cells: [
          ['Zeta', 'default'],
          ['alpha', 'default'],
          ['alpha', 'b'],
        ].map(([o, v]) => cell(o!, v!, arm, Object.fromEntries(METRICS.map((m) => [m, count(m)])))),
      });
      return i % 3 === 0 ? addNoise(plain, pick([0.5, 1, 4]), random) : plain;
    });
    const batches = [reports.slice(0, 1), reports.slice(1, 20), reports.slice(20, 21), reports.slice(21)];
    for (const [i, batch] of batches.entries()) expect(await store.commit(batch, START + i)).toEqual(batch.map(() => true));
    const stats = await store.stats('demo-shop', -Infinity, Infinity);
    expect(stats.reduce((s, r) => s + r.noisyReports, 0)).toBe(20 * 3);
    expectSameStats(stats, expectedStats(reports));
  });

  it('totals only the windows starting in [from, to), for the site asked', async () => {
    const store = await makeStore();
    const days = [0, 1, 2].map((d) => report({ windowStart: new Date(START + d * DAY).toISOString() }));
    const elsewhere = report({ site: 'other-shop' });
    await store.commit([...days, elsewhere], START + 3 * DAY);
    const reportsOf = async (from: number, to: number) => (await store.stats('demo-shop', from, to)).map((r) => r.reports);
    expect(await reportsOf(START + DAY, START + 2 * DAY)).toEqual([1, 1]);
    expect(await reportsOf(START, START + DAY + 1)).toEqual([2, 2]);
    expect(await reportsOf(START + 1, START + 2 * DAY + 0.5)).toEqual([2, 2]);
    expect(await reportsOf(START + 3 * DAY, Infinity)).toEqual([]);
    expect(await reportsOf(-Infinity, Infinity)).toEqual([3, 3]);
    expectSameStats(await store.stats('other-shop', -Infinity, Infinity), expectedStats([elsewhere]));
  });

  it('groups daily totals by the UTC day a window starts on', async () => {
    const store = await makeStore();
    const at = (iso: string) => report({ windowStart: iso, windowMs: HOUR, cells: [cell('trail-10', 'default', 'contextual', { impressions: 2 })] });
    const [late, next, early] = [at('2026-11-22T23:00:00.000Z'), at('2026-11-23T00:00:00.000Z'), at('2026-11-22T01:00:00.000Z')];
    await store.commit([late, next, early], START + 2 * DAY);
    const row = { catalog: '2026-11-22.1', offer: 'trail-10', variant: 'default', arm: 'contextual', noisyReports: 0, ...NO_NOISE, variance: NO_NOISE };
    expect(await store.daily('demo-shop', -Infinity, Infinity)).toEqual([
      { day: '2026-11-22', ...row, reports: 2, impressions: 4 },
      { day: '2026-11-23', ...row, reports: 1, impressions: 2 },
    ]);
    expect(await store.daily('demo-shop', START + DAY, Infinity)).toEqual([{ day: '2026-11-23', ...row, reports: 1, impressions: 2 }]);
  });

  it('gives the totals of each window apart, oldest first, with their noise variance', async () => {
    const store = await makeStore();
    const early = report({ cells: [cell('trail-10', 'default', 'contextual', { impressions: 3, clicks: 1 })] });
    const late = report({ windowStart: new Date(START + DAY).toISOString(), cells: [cell('trail-10', 'default', 'contextual', { impressions: 2 })], noise: { mechanism: 'geometric', epsilon: 1 } });
    const again = report({ cells: [cell('trail-10', 'default', 'contextual', { impressions: 1 })] });
    await store.commit([late, early, again], START + 2 * DAY);
    const row = { catalog: '2026-11-22.1', offer: 'trail-10', variant: 'default', arm: 'contextual', windowMs: DAY, dismissals: 0, conversions: 0, revenue: 0 };
    const noisy = Object.fromEntries(METRICS.map((m) => [m, noiseVariance(1, CONTRIBUTION_BOUNDS[m])]));
    expect(await store.windows('demo-shop', -Infinity, Infinity)).toEqual([
      { ...row, windowStart: START, reports: 2, noisyReports: 0, impressions: 4, clicks: 1, variance: NO_NOISE },
      { ...row, windowStart: START + DAY, reports: 1, noisyReports: 1, impressions: 2, clicks: 0, variance: noisy },
    ]);
    expect(await store.windows('demo-shop', START + DAY, Infinity)).toHaveLength(1);
    expect(await store.windows('other-shop', -Infinity, Infinity)).toEqual([]);
  });

  it('registers a catalog version once: the same shape is known, another is a conflict that changes nothing', async () => {
    const store = await makeStore();
    const shape: CatalogShape = {
      site: 'demo-shop',
      version: '2026-11-22.1',
      cells: [
        ['trail-10', 'default'],
        ['trail-10', 'b'],
        ['Z-offer', 'z'],
      ],
      arms: ['personalized', 'baseline', 'contextual'],
    };
    expect(await store.registerCatalog(shape, START)).toBe('added');
    expect(await store.registerCatalog({ ...shape, cells: shape.cells.map(([o, v]) => [o, v] as const) }, START + 1)).toBe('known');
    expect(await store.registerCatalog({ ...shape, cells: [...shape.cells].reverse() }, START + 2)).toBe('conflict');
    expect(await store.registerCatalog({ ...shape, arms: ['personalized', 'contextual'] }, START + 3)).toBe('conflict');
    expect(await store.catalogShape('demo-shop', '2026-11-22.1')).toEqual(shape);
    expect(await store.catalogShape('demo-shop', '2026-11-22.2')).toBeUndefined();
    expect(await store.catalogShape('other-shop', '2026-11-22.1')).toBeUndefined();
    expect(await store.registerCatalog({ ...shape, site: 'other-shop', arms: ['contextual'] }, START)).toBe('added');
    expect(await store.catalogShape('other-shop', '2026-11-22.1')).toEqual({ ...shape, site: 'other-shop', arms: ['contextual'] });
  });

  it("keeps a version's learning section as part of what the version is, whatever order its keys come back in", async () => {
    const store = await makeStore();
    const learning = { attributionWindowHours: 24, slots: { 'trail-10': 'home-hero', 'Z-offer': 'side' }, priorsKey: { kty: 'EC', crv: 'P-256', x: 'xx', y: 'yy' }, variantsLearn: ['trail-10'] };
    const shape: CatalogShape = {
      site: 'demo-shop',
      version: 'l1',
      cells: [
        ['trail-10', 'default'],
        ['trail-10', 'b'],
        ['Z-offer', 'default'],
      ],
      arms: ['personalized', 'contextual'],
      learning,
    };
    expect(await store.registerCatalog(shape, START)).toBe('added');
    expect(await store.catalogShape('demo-shop', 'l1')).toEqual(shape);
    const reordered = { variantsLearn: ['trail-10'], priorsKey: { y: 'yy', x: 'xx', crv: 'P-256', kty: 'EC' }, slots: { 'Z-offer': 'side', 'trail-10': 'home-hero' }, attributionWindowHours: 24 };
    expect(await store.registerCatalog({ ...shape, learning: reordered }, START + 1)).toBe('known');
    // Learning added, or switched, under a version already known: another version is needed.
    expect(await store.registerCatalog({ ...shape, learning: { ...learning, variantsLearn: [] } }, START + 2)).toBe('conflict');
    expect(await store.registerCatalog({ ...shape, version: 'l0', learning: undefined }, START)).toBe('added');
    expect(await store.registerCatalog({ ...shape, version: 'l0' }, START + 3)).toBe('conflict');
    expect(await store.currentCatalog('demo-shop')).toEqual(shape);
  });

  it('forgets the ids received before a time, so those reports would count again', async () => {
    const store = await makeStore();
    const [a, b] = [report(), report()];
    await store.commit([a], 1_000);
    await store.commit([b], 2_000);
    expect(await store.purgeIds(1_500)).toBe(1);
    expect(await store.purgeIds(1_500)).toBe(0);
    expect(await store.commit([a, b], 3_000)).toEqual([true, false]);
    expect(await store.purgeIds(Infinity)).toBe(2);
    expect(await store.commit([b], 4_000)).toEqual([true]);
  });

  it('answers a range of whole days from the daily totals with what the windows hold', async () => {
    const store = await makeStore();
    const hourly = (h: number, impressions: number, noise?: Report['noise']) =>
      report({ windowStart: new Date(START + h * HOUR).toISOString(), windowMs: HOUR, cells: [cell('trail-10', 'default', 'contextual', { impressions, clicks: 1 })], ...(noise ? { noise } : {}) });
    await store.commit([hourly(0, 2), hourly(5, 3), hourly(23, 4, { mechanism: 'geometric', epsilon: 1 }), hourly(24, 5), hourly(50, 6)], START + 3 * DAY);
    await store.commit([hourly(5, 7)], START + 3 * DAY);
    // [1 ms, …) is not whole days: it is summed from the windows themselves.
    expectSameStats(await store.stats('demo-shop', 0, Infinity), await store.stats('demo-shop', 1, Infinity));
    expectSameStats(await store.stats('demo-shop', START, START + 2 * DAY), await store.stats('demo-shop', START, START + 2 * DAY - 1));
    const days = await store.daily('demo-shop', 0, Infinity);
    expect(days.map((d) => [d.day, d.reports, d.impressions])).toEqual([
      ['2026-11-22', 4, 16],
      ['2026-11-23', 1, 5],
      ['2026-11-24', 1, 6],
    ]);
    expect(await store.daily('demo-shop', 1, Infinity)).toEqual(days);
  });

  it('forgets the windows of the days before a time, in the windows and the daily totals alike', async () => {
    const store = await makeStore();
    await store.registerCatalog({ site: 'demo-shop', version: 'c1', cells: [['trail-10', 'default']], arms: ['contextual'] }, START);
    const days = [0, 1, 2].map((d) => report({ windowStart: new Date(START + d * DAY).toISOString() }));
    await store.commit(days, START + 3 * DAY);
    expect(await store.purgeWindows(START + DAY + 5 * HOUR)).toBe(2);
    expect((await store.windows('demo-shop', 0, Infinity)).map((w) => w.windowStart)).toEqual([START + DAY, START + DAY, START + 2 * DAY, START + 2 * DAY]);
    expect((await store.daily('demo-shop', 0, Infinity)).map((d) => d.day)).toEqual(['2026-11-23', '2026-11-23', '2026-11-24', '2026-11-24']);
    expect((await store.stats('demo-shop', 0, Infinity)).reduce((n, r) => n + r.reports, 0)).toBe(4);
    expect(await store.purgeWindows(START + DAY)).toBe(0);
  });

  it(`keeps the newest ${CATALOG_VERSIONS_KEPT} catalog versions of a site, forgetting the oldest`, async () => {
    const store = await makeStore();
    const shape = (version: string, site = 'demo-shop'): CatalogShape => ({ site, version, cells: [['trail-10', 'default']], arms: ['contextual'] });
    await store.registerCatalog(shape('other-0', 'other-shop'), START);
    for (let v = 0; v <= CATALOG_VERSIONS_KEPT; v++) expect(await store.registerCatalog(shape(`v${v}`), START + v)).toBe('added');
    expect(await store.catalogShape('demo-shop', 'v0')).toBeUndefined();
    expect(await store.catalogShape('demo-shop', 'v1')).toEqual(shape('v1'));
    expect(await store.catalogShape('demo-shop', `v${CATALOG_VERSIONS_KEPT}`)).toEqual(shape(`v${CATALOG_VERSIONS_KEPT}`));
    expect(await store.catalogShape('other-shop', 'other-0')).toEqual(shape('other-0', 'other-shop'));
  });

  it('keeps a dashboard session until it ends or expires, and forgets the expired ones at the next start', async () => {
    const store = await makeStore();
    await store.startSession('hash-a', START + HOUR, START);
    await store.startSession('hash-b', START + 2 * HOUR, START);
    expect(await store.sessionActive('hash-a', START + HOUR - 1)).toBe(true);
    expect(await store.sessionActive('hash-a', START + HOUR)).toBe(false);
    expect(await store.sessionActive('hash-c', START)).toBe(false);
    await store.endSession('hash-b');
    expect(await store.sessionActive('hash-b', START)).toBe(false);
    await store.startSession('hash-c', START + 3 * HOUR, START + HOUR);
    // hash-a expired at START + HOUR: gone, so an old clock cannot bring it back.
    expect(await store.sessionActive('hash-a', START)).toBe(false);
    expect(await store.sessionActive('hash-c', START + HOUR)).toBe(true);
  });
});

describe('the SQLite store', () => {
  const folder = async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'vitrine-store-'));
    return { dir, file: join(dir, 'collector.db') };
  };

  it('creates its folder and schema on first start: counters, ids, catalog versions, pending runs and priors, no report as such', async () => {
    const { dir } = await folder();
    const { join } = await import('node:path');
    const store = createSqliteStore(join(dir, 'nested', 'data'));
    await store.close();
    const db = new Database(join(dir, 'nested', 'data', 'collector.db'));
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name).sort();
    expect(tables).toEqual(['catalogs', 'counters', 'daily_counters', 'dashboard_sessions', 'pending_runs', 'priors', 'report_ids']);
    db.close();
  });

  it.each([1, 2, 3, 4, 5])('migrates a version %i database to the current one, keeping its counters and report ids', async (from) => {
    const { dir, file } = await folder();
    const old = new Database(file);
    for (let v = 0; v < from; v++) old.exec(SQLITE_MIGRATIONS[v]!);
    old
      .prepare(`INSERT INTO counters (site, window_start, window_ms, catalog, offer, variant, arm, reports, impressions, clicks, dismissals, conversions, revenue)
      VALUES ('demo-shop', ${START}, ${DAY}, 'c1', 'trail-10', 'default', 'personalized', 7, 30, 4, 1, 2, 5000)`)
      .run();
    old.prepare("INSERT INTO report_ids (id, received_at) VALUES ('00000000000000000000000000000abc', 1)").run();
    old.pragma(`user_version = ${from}`);
    old.close();
    const store = createSqliteStore(dir);
    expect(await store.stats('demo-shop', 0, Infinity)).toEqual([
      {
        catalog: 'c1',
        offer: 'trail-10',
        variant: 'default',
        arm: 'personalized',
        reports: 7,
        noisyReports: 0,
        impressions: 30,
        clicks: 4,
        dismissals: 1,
        conversions: 2,
        revenue: 5000,
        variance: NO_NOISE,
      },
    ]);
    expect(await store.commit([report({ id: '00000000000000000000000000000abc' })], 2)).toEqual([false]);
    await store.close();
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
    db.close();
  });

  it('refuses a database from a newer collector', async () => {
    const { dir, file } = await folder();
    await createSqliteStore(dir).close();
    const db = new Database(file);
    db.pragma(`user_version = ${SQLITE_MIGRATIONS.length + 1}`);
    db.close();
    expect(() => createSqliteStore(dir)).toThrow(/newer than this collector/);
  });

  it('claims the ids of a batch of any size in one commit', async () => {
    const store = createSqliteStore(':memory:');
    const many = Array.from({ length: 20_000 }, () => report());
    const added = await store.commit([...many, many[0]!], 1);
    expect(added.filter(Boolean)).toHaveLength(20_000);
    expect(added.at(-1)).toBe(false);
    expect((await store.stats('demo-shop', 0, Infinity)).find((r) => r.variant === 'default')).toMatchObject({ reports: 20_000, impressions: 60_000 });
    await store.close();
  });

  it('keeps the sums of a flush exactly, packed small or past 32 bits', async () => {
    const store = createSqliteStore(':memory:');
    const rich = (revenue: number) => report({ cells: [cell('trail-10', 'default', 'personalized', { conversions: 1, revenue }), cell('trail-10', 'b', 'personalized', { impressions: 2 })] });
    // One batch whose revenue sum passes 2^31 - 1 (stored as 64-bit floats), one that fits (32-bit).
    const many = Array.from({ length: 43_000 }, () => rich(50_000));
    expect((await store.commit(many, 1)).every(Boolean)).toBe(true);
    expect(await store.commit([rich(7), rich(-3)], 2)).toEqual([true, true]);
    const rows = await store.stats('demo-shop', 0, Infinity);
    expect(rows.find((r) => r.variant === 'default')).toMatchObject({ reports: 43_002, conversions: 43_002, revenue: 43_000 * 50_000 + 4 });
    expect(rows.find((r) => r.variant === 'b')).toMatchObject({ reports: 43_002, impressions: 86_004 });
    expect(43_000 * 50_000).toBeGreaterThan(2 ** 31);
    await store.close();
  });

  it('keeps what a flush committed as packed runs until they are folded, across a crash, and counts them once', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'vitrine-store-'));
    try {
      const crashed = createSqliteStore(dir);
      const reports = [report(), report(), report({ cells: [cell('trail-10', 'default', 'baseline', { clicks: 2 }), cell('trail-10', 'b', 'baseline')] })];
      expect(await crashed.commit(reports, 1_000)).toEqual([true, true, true]);
      // Another process opens the folder before the first folded: it folds at start.
      const next = createSqliteStore(dir);
      expectSameStats(await next.stats('demo-shop', 0, Infinity), expectedStats(reports));
      expectSameStats(await crashed.stats('demo-shop', 0, Infinity), expectedStats(reports));
      await next.close();
      await crashed.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the PostgreSQL store with several collectors', () => {
  /** A database of its own on the test server, and a client to look into it. */
  async function database() {
    const url = await createDatabase(inject('postgresUrl'));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return { url, client };
  }

  it('counts every report once when two collectors commit overlapping batches at once, without deadlocks', async () => {
    const db = await database();
    try {
      const [a, b] = [await open(createPostgresStore(db.url, { poolSize: 4 })), await open(createPostgresStore(db.url, { poolSize: 4 }))];
      const random = generator(11);
      const shuffled = <T>(xs: readonly T[]) =>
        xs
          .map((x) => [random(), x] as const)
          .sort(([p], [q]) => p - q)
          .map(([, x]) => x);
      const all: Report[] = [];
      const accepted = new Map<string, number>();
      const offers = Array.from({ length: 12 }, (_, i) => `offer-${i}`);
      for (let round = 0; round < 30; round++) {
        // Reports sharing many counter rows (two windows, two arms, 24 cells each), so the batches contend for rows and ids.
        const reports = Array.from({ length: 16 }, (_, i) =>
          report({
            windowStart: new Date(START + (i % 2) * DAY).toISOString(),
            cells: offers.flatMap((o) => ['default', 'b'].map((v) => cell(o, v, i % 3 ? 'personalized' : 'contextual', { impressions: 1 }))),
          }),
        );
        all.push(...reports);
        // Each collector gets every report, in its own order, in four batches committed at once: a
        // collector's batches share counter rows, the two collectors' batches share ids too.
        const inBatches = (store: CounterStore) => {
          const order = shuffled(reports);
          return [0, 1, 2, 3].map((i) => order.slice(i * 4, i * 4 + 4)).map((batch) => store.commit(batch, START).then((added) => [batch, added] as const));
        };
        const commits = [...inBatches(a), ...inBatches(b)];
        for (const [batch, added] of await Promise.all(commits)) {
          for (const [i, r] of batch.entries()) accepted.set(r.id, (accepted.get(r.id) ?? 0) + (added[i] ? 1 : 0));
        }
      }
      expect([...accepted.values()].filter((times) => times !== 1)).toEqual([]);
      expect(accepted.size).toBe(all.length);
      const expected = expectedStats(all);
      expectSameStats(await a.stats('demo-shop', -Infinity, Infinity), expected);
      expectSameStats(await b.stats('demo-shop', -Infinity, Infinity), expected);
    } finally {
      await db.client.end();
    }
  });

  it('migrates once when several collectors start at once on an empty database', async () => {
    const db = await database();
    try {
      const started = await Promise.all(Array.from({ length: 4 }, () => open(createPostgresStore(db.url, { poolSize: 2 }))));
      expect(started).toHaveLength(4);
      expect((await db.client.query('SELECT version FROM schema_version ORDER BY version')).rows).toEqual(MIGRATIONS.map((_, v) => ({ version: v + 1 })));
      expect(await started[1]!.commit([report()], START)).toEqual([true]);
    } finally {
      await db.client.end();
    }
  });

  it('refuses a database whose schema is newer than the code', async () => {
    const db = await database();
    try {
      await (await createPostgresStore(db.url)).close();
      await db.client.query('INSERT INTO schema_version (version) VALUES ($1)', [MIGRATIONS.length + 1]);
      await expect(createPostgresStore(db.url)).rejects.toThrow(
        `the PostgreSQL database has schema version ${MIGRATIONS.length + 1}, newer than this collector's ${MIGRATIONS.length}: upgrade the collector`,
      );
    } finally {
      await db.client.end();
    }
  });

  it('rolls a failed commit back whole: its ids are not kept, so the retry counts', async () => {
    const db = await database();
    try {
      const store = await open(createPostgresStore(db.url));
      const r = report();
      await db.client.query('ALTER TABLE counters RENAME TO counters_away');
      await expect(store.commit([r], START)).rejects.toThrow('relation "counters" does not exist');
      await db.client.query('ALTER TABLE counters_away RENAME TO counters');
      expect(await store.commit([r], START)).toEqual([true]);
      expectSameStats(await store.stats('demo-shop', -Infinity, Infinity), expectedStats([r]));
    } finally {
      await db.client.end();
    }
  });

  it('refuses a URL that is not PostgreSQL’s, without echoing it', async () => {
    const refusal = /^the database URL must be a postgres:\/\/ or postgresql:\/\/ URL, such as postgres:\/\/user:password@host:5432\/vitrine$/;
    await expect(createPostgresStore('mysql://root:secret@db/vitrine')).rejects.toThrow(refusal);
    await expect(createPostgresStore('not a url: secret')).rejects.toThrow(refusal);
  });

  it('says which server it cannot reach', async () => {
    const closed = new URL(inject('postgresUrl'));
    closed.port = '1';
    await expect(createPostgresStore(closed.href)).rejects.toThrow('cannot reach PostgreSQL at 127.0.0.1:1');
  });
});
