import { afterAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createServer } from '../../server/app';
import { createSqliteStore } from '../../server/sqlite';
import { createPostgresStore } from '../../server/postgres';
import { createDatabase } from '../../tools/postgres';
import type { CounterStore } from '../../server/store';
import { validateReport, type Metric, type Report, type ReportCell } from '../../src/protocol/report';
import { dayStart, reportCell, report as aReport } from '../fixtures/report';
import type { Arm } from '../../src/protocol/decision';
import { holdout } from '../fixtures/catalog';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function dataDir() {
  const d = mkdtempSync(join(tmpdir(), 'vitrine-collector-'));
  dirs.push(d);
  return d;
}

const NO_NOISE = { impressions: 0, clicks: 0, dismissals: 0, conversions: 0, revenue: 0 };
const VERSION = '2026-11-22.1';
/** The shop's catalog: trail-10 with a content variant, road-15, and a 90/10 holdout. */
function catalog(patch: Record<string, unknown> = {}) {
  return {
    version: VERSION,
    siteId: 'demo-shop',
    experiments: [holdout(90, 10)],
    offers: [
      { id: 'trail-10', slot: 'home-hero', content: { title: 'Trail' }, variants: [{ id: 'b', weight: 50, content: { title: 'Trail b' } }] },
      { id: 'road-15', slot: 'home-hero', content: { title: 'Road' } },
    ],
    ...patch,
  };
}
const DOMAIN = [
  ['trail-10', 'default'],
  ['trail-10', 'b'],
  ['road-15', 'default'],
] as const;

function cells(arm: Arm = 'personalized', counts: Partial<Record<Metric, number>> = { impressions: 3, clicks: 1 }): ReportCell[] {
  return DOMAIN.map(([offer, variant], i) => reportCell(offer, variant, arm, i === 0 ? counts : {}));
}
/** A report of yesterday for the demo catalog's shape: a click on trail-10's base content. */
const report = (patch: Partial<Report> = {}): Report => aReport({ catalog: VERSION, cells: cells(), ...patch });

interface Setup {
  store?: CounterStore;
  dir?: string;
  catalogFile?: string;
  [option: string]: unknown;
}

/** A collector on a real SQLite store in its own folder, with the shop's catalog registered. */
async function collector({ store: given, dir = dataDir(), catalogFile, logRequests = false, ...extra }: Setup = {}) {
  const log: string[] = [];
  const store = given ?? createSqliteStore(dir);
  const server = createServer({
    root: process.cwd(),
    log: (l) => log.push(l),
    logRequests: logRequests as boolean,
    ...(catalogFile ? { catalogFile } : {}),
    collector: { store, token: 'secret', k: 3, perMinute: 100_000, ...extra },
  });
  await server.ready;
  const { app } = server;
  const post = (body: unknown) => app.request('/v1/reports', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const register = (doc: unknown, token = 'secret') =>
    app.request('/v1/catalogs', { method: 'POST', body: typeof doc === 'string' ? doc : JSON.stringify(doc), headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
  const stats = (token = 'secret') => app.request('/v1/stats?site=demo-shop', { headers: { Authorization: `Bearer ${token}` } });
  const rows = () => store.stats('demo-shop', 0, Infinity);
  if (!catalogFile) expect([200, 201]).toContain((await register(catalog(), (extra.token as string | undefined) ?? 'secret')).status);
  return { app, server, store, dir, post, register, stats, rows, log };
}

describe('POST /v1/reports', () => {
  it('accepts a Report v1 with 202 and counts it', async () => {
    const c = await collector();
    for (let i = 0; i < 3; i++) expect((await c.post(report())).status).toBe(202);
    const body = await (await c.stats()).json();
    expect(body.cells).toContainEqual({
      catalog: VERSION,
      offer: 'trail-10',
      variant: 'default',
      arm: 'personalized',
      reports: 3,
      noisyReports: 0,
      impressions: 9,
      clicks: 3,
      dismissals: 0,
      conversions: 0,
      revenue: 0,
      variance: NO_NOISE,
    });
  });

  it('counts the same report sent many times at once (one batch) once', async () => {
    const c = await collector();
    const once = report();
    const answers = await Promise.all(Array.from({ length: 5 }, () => c.post(once)));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect((await Promise.all(answers.map((a) => a.json()))).filter((b) => !b.duplicate)).toHaveLength(1);
    expect((await c.rows()).find((r) => r.variant === 'default' && r.offer === 'trail-10')).toMatchObject({ reports: 1, impressions: 3 });
  });

  it('counts a report sent again in a later batch, or after a restart, once', async () => {
    const dir = dataDir();
    const first = await collector({ dir });
    const again = report();
    expect(await (await first.post(again)).json()).toEqual({ accepted: true, duplicate: false });
    expect(await (await first.post(again)).json()).toEqual({ accepted: true, duplicate: true });
    await first.server.close();
    await first.store.close();
    const restarted = await collector({ dir });
    expect(await (await restarted.post(again)).json()).toEqual({ accepted: true, duplicate: true });
    expect((await restarted.rows()).find((r) => r.offer === 'trail-10' && r.variant === 'default')).toMatchObject({ reports: 1 });
  });

  it.each([
    ['report.extra: unknown field', { ...report(), extra: 1 }],
    ['report.v: expected 1', { ...report(), v: 2 }],
    ['report.id: expected 32 lowercase hex digits', { ...report(), id: 'not-hex' }],
    ['report.windowStart', { ...report(), windowStart: new Date(Date.parse(dayStart(1)) + 1000).toISOString() }],
    ['report.cells[0].impressions: expected a whole number from 0 to 50', { ...report(), cells: [{ ...cells()[0]!, impressions: 51 }, ...cells().slice(1)] }],
    ['report.cells[0].sku: unknown field', { ...report(), cells: [{ ...cells()[0]!, sku: 'TR-1' }, ...cells().slice(1)] }],
    ['report.cells: expected an array of at most 400 entries', { ...report(), cells: Array.from({ length: 401 }, (_, i) => ({ ...cells()[0]!, offer: `o${i}` })) }],
    ['report.__proto__: unknown field', JSON.parse(JSON.stringify(report()).replace('"v":1', '"v":1,"__proto__":{"admin":true}'))],
    ['body: expected a JSON report', '{"v":1,'],
  ])('refuses a malformed report: %s', async (message, body) => {
    const c = await collector();
    const res = await c.post(body);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toContain(message);
    expect(await c.rows()).toEqual([]);
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const c = await collector();
    const res = await c.post(JSON.stringify(report()) + ' '.repeat(70_000));
    expect(res.status).toBe(413);
  });

  it('answers 429 with Retry-After past the rate limit', async () => {
    const c = await collector({ perMinute: 2, clientAddress: () => '203.0.113.7' });
    expect((await c.post(report())).status).toBe(202);
    expect((await c.post(report())).status).toBe(202);
    const limited = await c.post(report());
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers the CORS preflight of a shop on another origin, and only allowed origins', async () => {
    const c = await collector({ origins: ['https://shop.example'] });
    const preflight = await c.app.request('/v1/reports', { method: 'OPTIONS', headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    const other = await c.app.request('/v1/reports', { method: 'POST', body: JSON.stringify(report()), headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const shop = await c.app.request('/v1/reports', { method: 'POST', body: JSON.stringify(report()), headers: { Origin: 'https://shop.example' } });
    expect(shop.status).toBe(202);
    expect(shop.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(shop.headers.get('vary')).toBe('Origin');
    const any = await collector();
    const anywhere = await any.app.request('/v1/reports', { method: 'POST', body: JSON.stringify(report()), headers: { Origin: 'https://other.example' } });
    expect(anywhere.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('never answers a malformed body with a 5xx, and stores nothing from it (fuzz)', async () => {
    const c = await collector();
    const valid = report();
    const mutated = fc.oneof(
      fc.json(),
      fc.string(),
      fc.record({ ...Object.fromEntries(Object.keys(valid).map((k) => [k, fc.anything()])) }, { requiredKeys: [] }),
      fc.constantFrom(...Object.keys(valid)).chain((key) => fc.anything().map((v) => ({ ...valid, id: undefined, [key]: v }))),
      fc.array(fc.anything()).map((list) => ({ ...valid, id: undefined, cells: list })),
    );
    await fc.assert(
      fc.asyncProperty(mutated, async (doc) => {
        let valid = true;
        try {
          validateReport(typeof doc === 'string' ? JSON.parse(doc) : doc);
        } catch {
          valid = false;
        }
        const res = await c.post(typeof doc === 'string' ? doc : (JSON.stringify(doc) ?? 'null'));
        expect(res.status).toBeLessThan(500);
        if (!valid) expect(res.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 300 },
    );
    expect(await c.rows()).toEqual([]);
  });
});

describe('the fixed shape, enforced by the collector', () => {
  const shaped = (list: ReportCell[], patch: Partial<Report> = {}) => report({ cells: list, ...patch });
  const [trail, trailB, road] = cells();

  it.each([
    ['a cell naming an offer the catalog does not have', shaped([{ ...trail!, offer: 'smuggledTR1001secret' }, trailB!, road!]), 'report.cells[0].offer: not in catalog 2026-11-22.1 of demo-shop'],
    ['a variant the offer does not have', shaped([trail!, { ...trailB!, variant: 'c' }, road!]), 'report.cells[1].variant: not a variant of that offer in catalog 2026-11-22.1 of demo-shop'],
    ['a cell left out', shaped([trail!, road!]), 'report.cells[1]: expected offer "trail-10", variant "b" here'],
    ['the last cell left out', shaped([trail!, trailB!]), 'report.cells: expected the 3 (offer, variant) pairs of catalog 2026-11-22.1 of demo-shop, got 2'],
    ['a cell twice', shaped([trail!, trail!, road!]), 'report.cells[1]: expected offer "trail-10", variant "b" here'],
    ['a cell again past the end', shaped([trail!, trailB!, road!, road!]), 'report.cells[3]: past the end of catalog 2026-11-22.1 of demo-shop'],
    ['a variant another offer has', shaped([trail!, trailB!, road!, { ...road!, variant: 'b' }]), 'report.cells[3].variant: not a variant of that offer'],
    ['cells out of catalog order', shaped([trailB!, trail!, road!]), 'report.cells[0]: expected offer "trail-10", variant "default" here'],
    ['a catalog version never published', report({ catalog: '2026-11-30.9' }), 'report.catalog: not a catalog version this collector knows for this site'],
    ['a site no catalog was published for', report({ site: 'other-shop' }), 'report.catalog: not a catalog version this collector knows for this site'],
    ['two arms in one report', shaped([trail!, { ...trailB!, arm: 'baseline' }, road!]), 'report.cells[1].arm: expected "personalized" as in cells[0]'],
    ['a first part that does not start the domain', shaped([trailB!, road!], { part: { index: 0, count: 2 } }), 'report.cells[0]: expected offer "trail-10", variant "default" here'],
    [
      'a last part that stops short',
      shaped([trailB!], { part: { index: 1, count: 2 } }),
      'report.cells: expected the 3 (offer, variant) pairs of catalog 2026-11-22.1 of demo-shop in its last part, got 2',
    ],
    ['a middle part that reaches the end', shaped([trailB!, road!], { part: { index: 1, count: 3 } }), 'report.part: catalog 2026-11-22.1 of demo-shop ends in part 1 of 3'],
  ])('refuses %s, naming the problem', async (_, body, message) => {
    const c = await collector();
    const res = await c.post(body);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toContain(message);
    expect(await c.rows()).toEqual([]);
  });

  it('refuses an arm the catalog does not allow', async () => {
    const c = await collector();
    const plain = { ...catalog({ version: 'no-holdout' }), experiments: [] };
    expect((await c.register(plain)).status).toBe(201);
    const res = await c.post(report({ catalog: 'no-holdout', cells: cells('baseline') }));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('report.cells[0].arm: not an arm of catalog no-holdout of demo-shop (expected "personalized", "contextual")');
    expect((await c.post(report({ catalog: 'no-holdout', cells: cells('contextual') }))).status).toBe(202);
  });

  it('accepts a report split in parts that together cover the domain once, in order', async () => {
    const c = await collector();
    const [a, b, r] = cells('baseline');
    expect((await c.post(report({ cells: [a!, b!], part: { index: 0, count: 2 } }))).status).toBe(202);
    expect((await c.post(report({ cells: [r!], part: { index: 1, count: 2 } }))).status).toBe(202);
    expect((await c.rows()).map((x) => [x.offer, x.variant, x.arm, x.reports])).toEqual([
      ['road-15', 'default', 'baseline', 1],
      ['trail-10', 'b', 'baseline', 1],
      ['trail-10', 'default', 'baseline', 1],
    ]);
  });

  it.each([
    [
      'SQLite',
      async () => {
        const dir = dataDir();
        return { store: createSqliteStore(dir), files: async () => readdirSync(dir).map((f) => join(dir, f)) };
      },
    ],
    [
      'PostgreSQL',
      async () => {
        const url = await createDatabase(inject('postgresUrl'));
        const store = await createPostgresStore(url);
        const files = async () => {
          // Everything the server keeps: written out of its buffers first, then every file of its data folder.
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          await client.query('CHECKPOINT');
          const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
          await client.end();
          return readdirSync(rows[0]!.data_directory, { recursive: true, withFileTypes: true })
            .filter((e) => e.isFile())
            .map((e) => join(e.parentPath, e.name));
        };
        return { store, files };
      },
    ],
  ])(
    'stores no byte of a refused report, in the %s files or the log',
    async (_, open) => {
      const { store, files } = await open();
      const c = await collector({ store, logRequests: true });
      // Every string a report can carry, marked, in reports refused for each reason.
      const marks = { offer: 'smuggledTR1001secret', variant: 'variantSECRETx', catalog: 'catalogSECRETx', site: 'siteSECRETx', id: 'feedfacefeedfacefeedfacefeedface' };
      const refused = [
        shaped([{ ...trail!, offer: marks.offer }, trailB!, road!]),
        shaped([trail!, { ...trailB!, variant: marks.variant }, road!]),
        report({ catalog: marks.catalog }),
        report({ site: marks.site }),
        shaped([trail!, trailB!], { id: marks.id }),
        { ...report(), extra: marks.offer },
      ];
      for (const body of refused) expect((await c.post(body)).status).toBe(400);
      expect((await c.post(report())).status).toBe(202);
      await c.server.close();
      await store.close();
      const paths = await files();
      const bytes = Buffer.concat(paths.map((f) => readFileSync(f)));
      expect(paths.length).toBeGreaterThan(0);
      for (const mark of Object.values(marks)) {
        expect(bytes.includes(Buffer.from(mark)), `${mark} stored`).toBe(false);
        expect(c.log.join('\n')).not.toContain(mark);
      }
      // The scan sees what is stored: the published catalog's offers are there.
      expect(bytes.includes(Buffer.from('road-15'))).toBe(true);
      // A PostgreSQL checkpoint and a scan of its whole data folder take seconds on a busy machine.
    },
    30_000,
  );
});

describe('catalog versions the collector knows', () => {
  it('registers a version published elsewhere behind the token: 201, then 200, and 409 for other offers', async () => {
    const c = await collector();
    const next = catalog({ version: '2026-11-24.1' });
    expect((await c.register(next, 'wrong')).status).toBe(401);
    expect((await c.post(report({ catalog: '2026-11-24.1' }))).status).toBe(400);
    const added = await c.register(next);
    expect(added.status).toBe(201);
    expect(await added.json()).toEqual({ registered: 'added', site: 'demo-shop', version: '2026-11-24.1' });
    expect((await c.register(next)).status).toBe(200);
    const changed = await c.register({ ...next, offers: next.offers.slice(1) });
    expect(changed.status).toBe(409);
    expect((await changed.json()).error).toContain('catalog 2026-11-24.1 of demo-shop is already registered with other offers, arms or learning');
    expect((await c.post(report({ catalog: '2026-11-24.1' }))).status).toBe(202);
  });

  it('refuses an invalid catalog with the path of the problem, and a signed one is read inside', async () => {
    const c = await collector();
    const res = await c.register({ ...catalog(), offers: [{ id: 'x', slot: 's', content: {} }] });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('offers[0] (x).content.title: expected a non-empty string of at most 2000 characters');
    expect((await c.register('{"version":')).status).toBe(400);
    const signed = await c.register({ signed: JSON.stringify(catalog({ version: 'signed-1' })), signature: 'AAAA' });
    expect(signed.status).toBe(201);
  });

  it('keeps what it knows across a restart and shares it with another collector on the same store', async () => {
    const dir = dataDir();
    const first = await collector({ dir });
    expect((await first.register(catalog({ version: 'kept-1' }))).status).toBe(201);
    const second = await collector({ dir });
    expect((await second.post(report({ catalog: 'kept-1' }))).status).toBe(202);
    await first.server.close();
    await first.store.close();
    const restarted = createServer({ root: process.cwd(), collector: { store: createSqliteStore(dir), token: 'secret' } });
    const res = await restarted.app.request('/v1/reports', { method: 'POST', body: JSON.stringify(report({ catalog: 'kept-1' })) });
    expect(res.status).toBe(202);
  });

  it('registers the catalog it serves by itself, and refuses to serve a changed catalog under a known version', async () => {
    const dir = dataDir();
    const file = join(dir, 'catalog.json');
    writeFileSync(file, JSON.stringify(catalog({ version: 'served-1' })));
    const c = await collector({ catalogFile: file });
    expect((await c.post(report({ catalog: 'served-1' }))).status).toBe(202);
    // The merchant edits the offers but forgets to change the version.
    writeFileSync(file, JSON.stringify(catalog({ version: 'served-1', offers: catalog().offers.slice(1) })));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const served = await c.app.request('/v1/catalog');
    expect(served.status).toBe(503);
    expect((await served.json()).error).toContain('version served-1 of demo-shop is already registered with other offers, arms or learning; publish the change under a new version');
    writeFileSync(file, JSON.stringify(catalog({ version: 'served-2', offers: catalog().offers.slice(1) })));
    utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    expect((await c.app.request('/v1/catalog')).status).toBe(200);
    const road = { offer: 'road-15', variant: 'default', arm: 'personalized' as const, impressions: 1, clicks: 0, dismissals: 0, conversions: 0, revenue: 0 };
    expect((await c.post(report({ catalog: 'served-2', cells: [road] }))).status).toBe(202);
  });
});

/** The real SQLite store, with its commits counted and, when asked, held or failed. */
function watchedStore(dir: string) {
  const store = createSqliteStore(dir);
  const commits: number[] = [];
  let hold: Promise<void> | undefined;
  let failNext = false;
  const watched: CounterStore = {
    ...store,
    async commit(reports, at) {
      commits.push(reports.length);
      await hold;
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
      return store.commit(reports, at);
    },
  };
  return {
    store: watched,
    commits,
    hold() {
      let release!: () => void;
      hold = new Promise((r) => (release = r));
      return () => {
        hold = undefined;
        release();
      };
    },
    failNext: () => (failNext = true),
  };
}

describe('group commit', () => {
  it('commits many reports arriving together in few transactions, and counts every one', async () => {
    const w = watchedStore(dataDir());
    const c = await collector({ store: w.store });
    const answers = await Promise.all(Array.from({ length: 60 }, () => c.post(report())));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(w.commits.reduce((a, b) => a + b, 0)).toBe(60);
    expect(w.commits.length).toBeLessThan(10);
    expect((await c.rows()).find((r) => r.offer === 'trail-10' && r.variant === 'default')).toMatchObject({ reports: 60, impressions: 180 });
  });

  it('answers 202 only once the commit that holds the report is done', async () => {
    const w = watchedStore(dataDir());
    const c = await collector({ store: w.store });
    const release = w.hold();
    let answered = false;
    const pending = Promise.resolve(c.post(report())).then((res) => ((answered = true), res));
    await expect.poll(() => w.commits.length).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    expect(await c.rows()).toEqual([]);
    release();
    expect((await pending).status).toBe(202);
    expect(await c.rows()).toHaveLength(3);
  });

  it('answers 503 with Retry-After when the commit fails, counts nothing, and counts the retry once', async () => {
    const w = watchedStore(dataDir());
    const c = await collector({ store: w.store });
    const lost = report();
    w.failNext();
    const failed = await c.post(lost);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('5');
    expect(await c.rows()).toEqual([]);
    expect(await (await c.post(lost)).json()).toEqual({ accepted: true, duplicate: false });
    expect((await c.rows()).find((r) => r.offer === 'trail-10' && r.variant === 'default')).toMatchObject({ reports: 1 });
  });

  it('refuses a report at once with 503 while too many wait behind a slow commit, and takes it again later', async () => {
    const w = watchedStore(dataDir());
    const c = await collector({ store: w.store, batch: { maxReports: 1, maxWaiting: 2 } });
    const release = w.hold();
    const held = [c.post(report()), c.post(report()), c.post(report())];
    await expect.poll(() => w.commits.length).toBe(1);
    const over = await c.post(report());
    expect(over.status).toBe(503);
    expect(over.headers.get('retry-after')).toBe('5');
    release();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([202, 202, 202]);
    expect((await c.rows()).find((r) => r.offer === 'trail-10' && r.variant === 'default')).toMatchObject({ reports: 3 });
  });

  it('commits a batch once it holds maxReports, without waiting for the delay', async () => {
    const w = watchedStore(dataDir());
    const c = await collector({ store: w.store, batch: { maxReports: 4, delayMs: 60_000 } });
    const answers = await Promise.all(Array.from({ length: 8 }, () => c.post(report())));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(202));
    expect(w.commits).toEqual([4, 4]);
  });
});

describe('GET /v1/stats', () => {
  it('takes any token the merchant set, characters outside RFC 6750 included, as a bearer, and never as a cookie', async () => {
    const c = await collector({ token: 's3cret!pass word' });
    const ok = await c.app.request('/v1/stats?site=demo-shop', { headers: { Authorization: 'Bearer s3cret!pass word' } });
    expect(ok.status).toBe(200);
    const cookie = await c.app.request('/v1/stats?site=demo-shop', { headers: { Cookie: 'vitrine_token=s3cret!pass word' } });
    expect(cookie.status).toBe(401);
    const wrong = await c.app.request('/v1/stats?site=demo-shop', { headers: { Authorization: 'Bearer s3cret!pass' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('needs the bearer token', async () => {
    const c = await collector();
    expect((await c.stats('wrong')).status).toBe(401);
    const none = await c.app.request('/v1/stats?site=demo-shop');
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: 'a valid bearer token is required' });
  });

  it('withholds cells fewer than k reports contributed to, saying how many they have so far', async () => {
    const c = await collector();
    await c.post(report());
    await c.post(report());
    let body = await (await c.stats()).json();
    expect(body).toMatchObject({ k: 3, withheld: 3, cells: [] });
    expect(body.pending).toContainEqual({ catalog: VERSION, offer: 'trail-10', variant: 'default', arm: 'personalized', reports: 2 });
    expect(JSON.stringify(body.pending)).not.toContain('impressions');
    await c.post(report());
    body = await (await c.stats()).json();
    expect(body.withheld).toBe(0);
    expect(body.cells).toHaveLength(3);
  });
});

describe('logging', () => {
  it('writes no line per request by default, and one summary that names routes, never what was sent', async () => {
    const c = await collector({ logRequests: false });
    for (let i = 0; i < 5; i++) await c.post(report());
    await c.post(report({ catalog: 'unknownSECRET' }));
    expect(c.log).toEqual([]);
    await c.server.close();
    expect(c.log).toHaveLength(1);
    expect(c.log[0]).toMatch(/^requests in the last \d+ s: /);
    expect(c.log[0]).toContain('POST /v1/reports 202 ×5');
    expect(c.log[0]).toContain('POST /v1/reports 400 ×1');
    expect(c.log[0]).not.toContain('SECRET');
  });

  it('logs neither the address nor the user agent over a real socket', async () => {
    const c = await collector({ logRequests: true });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: c.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/reports`, {
        method: 'POST',
        body: JSON.stringify(report()),
        headers: { 'Content-Type': 'text/plain', 'User-Agent': 'SecretAgent/1.0', Referer: 'http://ref.example/' },
      });
      expect(res.status).toBe(202);
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(c.log.filter((l) => l.startsWith('POST /v1/reports 202 '))).toHaveLength(1);
    expect(c.log.join('\n')).not.toMatch(/127\.0\.0\.1|SecretAgent|ref\.example/);
  });
});

describe('the dashboard, mounted with the collector', () => {
  it('asks for the token, keeps the site through sign-in, and shows the site asked for', async () => {
    const c = await collector();
    const ask = await c.app.request('/dashboard?site=demo-shop');
    expect(ask.status).toBe(401);
    expect(await ask.text()).toContain('name="site" value="demo-shop"');
    const signIn = await c.app.request('/dashboard/login', { method: 'POST', body: new URLSearchParams({ token: 'secret', site: 'demo-shop' }), headers: { Origin: 'http://localhost' } });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/dashboard?site=demo-shop');
    const page = await c.app.request('/dashboard?site=demo-shop', { headers: { Cookie: signIn.headers.get('set-cookie')!.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('demo-shop');
  });
});
