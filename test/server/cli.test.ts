import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../../server/cli';
import { createCatalogRegistry } from '../../server/collector/catalog-registry';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { validatePriors } from '../../src/protocol/priors';
import { verifyCatalog } from '../../worker/decide/verify-catalog';
import { openSigned } from '../../worker/signature/index';
import { report, reportCell } from '../fixtures/report';

const dir = mkdtempSync(join(tmpdir(), 'vitrine-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]) {
  const lines: string[] = [];
  const code = await cli(args, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

describe('vitrine-catalog', () => {
  it('checks a catalog', async () => {
    expect(await run('check', 'demo/catalog.json')).toEqual({ code: 0, out: 'ok: catalog 2026-12-06.1 for demo-shop, 18 offers' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ version: '1', siteId: 's', offers: [{ id: 'a', slot: 's', content: { title: 'A' }, caps: { perDay: 0 } }] }));
    expect(await run('check', bad)).toEqual({ code: 1, out: 'error: offers[0] (a).caps.perDay: expected a positive integer' });
  });

  it('makes a key pair and signs a catalog the SDK then accepts', async () => {
    const privateKey = join(dir, 'private.jwk');
    const keygen = await run('keygen', privateKey);
    expect(keygen.code).toBe(0);
    const publicJwk = JSON.parse(keygen.out);
    expect(publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(publicJwk.d).toBeUndefined();
    const signedFile = join(dir, 'signed.json');
    expect((await run('sign', 'demo/catalog.json', '--key', privateKey, '--out', signedFile)).code).toBe(0);
    const envelope = JSON.parse(readFileSync(signedFile, 'utf8'));
    const open = (doc: unknown) => openSigned(doc, publicJwk, 'catalog');
    const catalog = await verifyCatalog(envelope, 'demo-shop', open);
    expect(catalog.offers).toHaveLength(18);
    await expect(verifyCatalog({ ...envelope, signed: envelope.signed.replace('demo-shop', 'demo-shop ') }, 'demo-shop', open)).rejects.toMatchObject({ code: 'catalog-signature' });
  });

  it('refuses to overwrite a key and explains its usage', async () => {
    const privateKey = join(dir, 'twice.jwk');
    expect((await run('keygen', privateKey)).code).toBe(0);
    expect((await run('keygen', privateKey)).code).toBe(1);
    expect((await run('sign', 'demo/catalog.json')).code).toBe(2);
    expect((await run('explode')).out).toContain('Usage:');
  });

  it('names an option it does not know, or one given without its value, and exits 2', async () => {
    const typo = await run('sign', 'demo/catalog.json', '--kye', 'private.jwk');
    expect(typo.code).toBe(2);
    expect(typo.out).toMatch(/^error: .*'--kye'/);
    expect(typo.out).toContain('Usage:');
    const bare = await run('sign', 'demo/catalog.json', '--key');
    expect(bare.code).toBe(2);
    expect(bare.out).toMatch(/^error: Option '--key <value>' argument missing/);
  });
});

describe('vitrine-catalog publish', () => {
  it('registers a catalog version with a running collector, once, and says why it refuses', async () => {
    const { serve } = await import('@hono/node-server');
    const { createServer } = await import('../../server/app');
    const { createSqliteStore } = await import('../../server/sqlite');
    const store = createSqliteStore(':memory:');
    const server = createServer({ root: process.cwd(), catalogFile: join(dir, 'none.json'), collector: { store, token: 'secret' } });
    const http = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
    const publish = async (file: string, token: string | undefined) => {
      const lines: string[] = [];
      const code = await cli(['publish', file, '--collector', url], (l) => lines.push(l), { VITRINE_TOKEN: token });
      return { code, out: lines.join('\n') };
    };
    try {
      expect(await publish('demo/catalog.json', 'secret')).toEqual({ code: 0, out: `ok: catalog 2026-12-06.1 of demo-shop registered with ${url}` });
      expect(await publish('demo/catalog.json', 'secret')).toEqual({ code: 0, out: `ok: catalog 2026-12-06.1 of demo-shop was already registered with ${url}` });
      expect(await store.catalogShape('demo-shop', '2026-12-06.1')).toMatchObject({ arms: ['personalized', 'baseline', 'contextual'] });
      expect(await publish('demo/catalog.json', 'wrong')).toEqual({ code: 1, out: 'error: the collector answered 401: a valid bearer token is required' });
      expect(await publish('demo/catalog.json', undefined)).toEqual({ code: 1, out: "error: set VITRINE_TOKEN to the collector's token" });
      const changed = join(dir, 'changed.json');
      const demo = JSON.parse(readFileSync('demo/catalog.json', 'utf8'));
      writeFileSync(changed, JSON.stringify({ ...demo, offers: demo.offers.slice(1) }));
      const conflict = await publish(changed, 'secret');
      expect(conflict.code).toBe(1);
      expect(conflict.out).toContain('error: the collector answered 409: version: catalog 2026-12-06.1 of demo-shop is already registered with other offers, arms or learning');
    } finally {
      await new Promise((r) => http.close(r));
      await server.close();
      await store.close();
    }
  });

  it("computes and signs a site's priors from a collector's store, as a file to serve from a CDN", async () => {
    const data = join(dir, 'priors-data');
    const demoKey = 'demo/demo-priors-key.jwk';
    const { kty, crv, x, y } = JSON.parse(readFileSync(demoKey, 'utf8')) as JsonWebKey;
    const catalog = validateCatalog({
      version: 'p1',
      siteId: 'cdn-shop',
      learning: { priorsKey: { kty, crv, x, y }, variants: true },
      offers: [{ id: 'a', slot: 's', content: { title: 'A' } }],
    });
    const { createSqliteStore } = await import('../../server/sqlite');
    const store = createSqliteStore(data);
    await createCatalogRegistry(store).register(catalog);
    await store.commit(
      [report({ site: 'cdn-shop', windowStart: '2026-12-01T00:00:00.000Z', catalog: 'p1', cells: [reportCell('a', 'default', 'personalized', { impressions: 200, clicks: 4, conversions: 2 })] })],
      Date.now(),
    );
    await store.close();
    const out = join(dir, 'priors.json');
    const lines: string[] = [];
    const code = await cli(['priors', 'cdn-shop', '--key', demoKey, '--out', out], (l) => lines.push(l), { VITRINE_DATA: data, VITRINE_K: '1' });
    expect(lines.join('\n')).toMatch(/^ok: priors \S+ of cdn-shop for catalog p1 written to /);
    expect(code).toBe(0);
    const envelope = JSON.parse(readFileSync(out, 'utf8')) as { signed: string };
    expect(validatePriors(JSON.parse(envelope.signed)).priors).toEqual([
      { offer: 'a', variant: 'default', ctr: expect.objectContaining({ basis: 'own' }), cvr: expect.objectContaining({ basis: 'own' }) },
    ]);
    const none: string[] = [];
    expect(await cli(['priors', 'other-shop', '--key', demoKey], (l) => none.push(l), { VITRINE_DATA: data })).toBe(1);
    expect(none).toEqual(['error: no catalog is registered for other-shop']);
    // The collector's settings are checked as the collector checks them.
    const bad: string[] = [];
    expect(await cli(['priors', 'cdn-shop', '--key', demoKey], (l) => bad.push(l), { VITRINE_DATA: data, VITRINE_K: 'many' })).toBe(1);
    expect(bad).toEqual(['error: VITRINE_K must be a whole number from 1 to 1000000, got "many"']);
  });
});
