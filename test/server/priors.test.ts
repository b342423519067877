import { afterAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCollector, type Collector } from '../../server/collector';
import { createSqliteStore } from '../../server/sqlite';
import { createPostgresStore } from '../../server/postgres';
import { readSigningKey, type SigningKey } from '../../server/signing-key';
import { validityOf } from '../../server/priors/publisher';
import type { CounterStore } from '../../server/store';
import type { Catalog } from '../../src/protocol/catalog';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { validatePriors, type Priors, type SignedPriors } from '../../src/protocol/priors';
import type { Report } from '../../src/protocol/report';
import { reportCell, report as aReport } from '../fixtures/report';
import { createDatabase } from '../../tools/postgres';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TOKEN = 'a-token-of-at-least-thirty-two-characters';
const ROOT = join(import.meta.dirname, '../..');
const demoKeyText = readFileSync(join(ROOT, 'demo', 'demo-priors-key.jwk'), 'utf8');
const publicOf = (text: string) => {
  const { kty, crv, x, y } = JSON.parse(text) as JsonWebKey;
  return { kty, crv, x, y };
};

async function otherKeyText(): Promise<string> {
  const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  return JSON.stringify(await webcrypto.subtle.exportKey('jwk', pair.privateKey));
}

/** A shop whose home-hero slot learns: trail-10 with a content variant, road-15. */
function catalog(patch: Record<string, unknown> = {}): Catalog {
  return validateCatalog({
    version: '2026-12-01.1',
    siteId: 'learn-shop',
    learning: { priorsKey: publicOf(demoKeyText), offers: true, variants: true },
    offers: [
      { id: 'trail-10', slot: 'home-hero', content: { title: 'Trail' }, variants: [{ id: 'b', weight: 50, content: { title: 'Trail b' } }] },
      { id: 'road-15', slot: 'home-hero', content: { title: 'Road' } },
    ],
    ...patch,
  });
}

/** A report of one hourly window: `clicks` per (offer, variant) out of 40 impressions each. */
function report(windowStart: number, clicks: [number, number, number], version = '2026-12-01.1'): Report {
  const domain = [
    ['trail-10', 'default'],
    ['trail-10', 'b'],
    ['road-15', 'default'],
  ] as const;
  const cells = domain.map(([offer, variant], i) => reportCell(offer, variant, 'personalized', { impressions: 40, clicks: clicks[i]! }));
  return aReport({ site: 'learn-shop', windowStart: new Date(windowStart).toISOString(), windowMs: HOUR, catalog: version, cells });
}

async function verify(body: string, key: SigningKey): Promise<Priors> {
  const doc = JSON.parse(body) as SignedPriors;
  const publicKey = await webcrypto.subtle.importKey('jwk', key.publicJwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const signature = Buffer.from(doc.signature, 'base64');
  expect(await webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, signature, new TextEncoder().encode(doc.signed))).toBe(true);
  return validatePriors(JSON.parse(doc.signed));
}

const collectors: Collector[] = [];
afterAll(async () => {
  for (const c of collectors) await c.close();
});

async function setup(options: { store?: CounterStore; keyText?: string; clock?: { now: number } } = {}) {
  const store = options.store ?? createSqliteStore(':memory:');
  const key = await readSigningKey(options.keyText ?? demoKeyText);
  const clock = options.clock ?? { now: Date.UTC(2026, 11, 6, 10, 30) };
  const collector = createCollector({ store, token: TOKEN, k: 5, priors: { key, everyMs: HOUR, now: () => clock.now } });
  collectors.push(collector);
  return { store, key, clock, collector, get: (headers: Record<string, string> = {}) => collector.routes.request('/v1/priors?site=learn-shop', { headers }) };
}

describe('GET /v1/priors', () => {
  it("serves the site's priors signed with the key its catalog names, for its current catalog version", async () => {
    const { store, key, clock, collector, get } = await setup();
    await collector.catalogs.register(catalog());
    const start = Math.floor(clock.now / DAY) * DAY - DAY;
    const reports = Array.from({ length: 10 }, (_, i) => report(start + (i % 5) * HOUR, [2, 8, 1]));
    expect((await store.commit(reports, clock.now)).every(Boolean)).toBe(true);
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-cache');
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
    const priors = await verify(await res.text(), key);
    expect(priors).toMatchObject({ site: 'learn-shop', catalog: '2026-12-01.1', computedAt: clock.now, validUntil: clock.now + validityOf(HOUR) });
    expect(priors.method).toEqual({ periodMs: HOUR, halfLifeDays: 14, minImpressions: 100, k: 5, floor: 0.01 });
    expect(priors.priors.map((p) => [p.offer, p.variant, p.ctr.basis])).toEqual([
      ['trail-10', 'default', 'own'],
      ['trail-10', 'b', 'own'],
      ['road-15', 'default', 'own'],
    ]);
    const b = priors.priors[1]!.ctr;
    // 10 reports of 40 impressions and 8 clicks (two a window, five windows of the same day).
    expect(b.alpha / (b.alpha + b.beta)).toBeCloseTo(81 / 402, 2);
    // Its ETag answers 304.
    const again = await get({ 'If-None-Match': res.headers.get('ETag')! });
    expect(again.status).toBe(304);
  });

  it('computes one version per period, and a new one at once when the catalog changes or on demand', async () => {
    const { clock, collector, get } = await setup();
    await collector.catalogs.register(catalog());
    const first = JSON.parse(await (await get()).text()) as SignedPriors;
    const versionOf = (doc: SignedPriors) => JSON.parse(doc.signed) as { version: string; catalog: string };
    clock.now += 20 * 60_000;
    expect(await (await get()).text()).toBe(JSON.stringify(first));
    clock.now += HOUR;
    const next = JSON.parse(await (await get()).text()) as SignedPriors;
    expect(versionOf(next).version).not.toBe(versionOf(first).version);
    await collector.catalogs.register(catalog({ version: '2026-12-01.2' }));
    clock.now += 60_000;
    expect(versionOf(JSON.parse(await (await get()).text()) as SignedPriors).catalog).toBe('2026-12-01.2');
    // On demand, behind the token.
    const refused = await collector.routes.request('/v1/priors?site=learn-shop', { method: 'POST' });
    expect(refused.status).toBe(401);
    clock.now += 1_000;
    const made = await collector.routes.request('/v1/priors?site=learn-shop', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(made.status).toBe(201);
    const { version } = (await made.json()) as { version: string };
    expect(version).toBe(new Date(clock.now).toISOString());
    expect(versionOf(JSON.parse(await (await get()).text()) as SignedPriors).version).toBe(version);
  });

  it('says why there are no priors: no catalog, a catalog that does not learn, or one naming another key', async () => {
    const { collector, get } = await setup();
    expect(await (await get()).json()).toEqual({ error: 'no catalog is registered for learn-shop' });
    await collector.catalogs.register(catalog({ learning: undefined }));
    const plain = await get();
    expect(plain.status).toBe(404);
    expect(await plain.json()).toEqual({ error: 'catalog 2026-12-01.1 of learn-shop does not learn (it has no "learning" section)' });
    const other = await setup({ keyText: await otherKeyText() });
    await other.collector.catalogs.register(catalog());
    expect(((await (await other.get()).json()) as { error: string }).error).toMatch(/names another priors key than this collector's/);
  });

  it('refuses a site id that is not one and a site it does not serve', async () => {
    const { collector } = await setup();
    expect((await collector.routes.request('/v1/priors?site=%3Cscript%3E')).status).toBe(400);
    const store = createSqliteStore(':memory:');
    const only = createCollector({ store, token: TOKEN, sites: ['other'], priors: { key: await readSigningKey(demoKeyText) } });
    collectors.push(only);
    expect((await only.routes.request('/v1/priors?site=learn-shop')).status).toBe(403);
  });
});

describe('priors on one PostgreSQL shared by two collectors', () => {
  it('are computed once per version, and both collectors serve the same document', async () => {
    const url = await createDatabase(inject('postgresUrl'));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const clock = { now: Date.UTC(2026, 11, 6, 10, 30) };
      const a = await setup({ store: await createPostgresStore(url, { poolSize: 1 }), clock });
      const b = await setup({ store: await createPostgresStore(url, { poolSize: 1 }), clock });
      await a.collector.catalogs.register(catalog());
      await a.store.commit([report(Date.UTC(2026, 11, 5), [1, 2, 3])], clock.now);
      for (let period = 0; period < 3; period++) {
        // Both ask at once, twice each, at the start of each period.
        const bodies = await Promise.all([a.get(), b.get(), a.get(), b.get()].map(async (r) => (await r).text()));
        expect(new Set(bodies).size).toBe(1);
        clock.now += HOUR;
      }
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM priors');
      expect(Number(rows[0]!.n)).toBe(3);
      await a.store.close();
      await b.store.close();
    } finally {
      await client.end();
    }
  });
});
