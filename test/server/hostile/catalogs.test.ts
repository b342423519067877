import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../server/sqlite';
import { createCatalogRegistry, CACHED_CELLS } from '../../../server/collector/catalog-registry';
import { MAX_CATALOG_CELLS } from '../../../server/catalog-document';
import { report } from '../../fixtures/report';
import { catalog, hostileServer, TOKEN } from './setup';

const register = (s: Awaited<ReturnType<typeof hostileServer>>, doc: unknown) =>
  s.app.request('/v1/catalogs', { method: 'POST', body: JSON.stringify(doc), headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' } });

describe('catalog registration within the limits reports can use', () => {
  it.each([
    ['a site id that is markup', { siteId: '<img src=x onerror=alert(1)>' }, 'siteId: expected a site id of 1 to 64 letters, digits, ".", "_" or "-"'],
    ['a site id with a slash', { siteId: 'shop/../admin' }, 'siteId: expected a site id of 1 to 64 letters, digits, ".", "_" or "-"'],
    ['a version with spaces and quotes', { version: '1" onmouseover="x' }, 'version: expected 1 to 100 letters, digits, ".", "_", ":" or "-"'],
  ])('refuses %s, and registers nothing', async (_, patch, message) => {
    const s = await hostileServer();
    const doc = catalog(patch);
    const res = await register(s, doc);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: message });
    expect(await s.store.catalogShape(doc.siteId, doc.version)).toBeUndefined();
  });

  it(`refuses a version with more cells than a report can carry (${MAX_CATALOG_CELLS})`, async () => {
    const s = await hostileServer();
    const offers = Array.from({ length: Math.ceil((MAX_CATALOG_CELLS + 1) / 3) }, (_, i) => ({
      id: `o${i}`,
      slot: 'home-hero',
      content: { title: 't' },
      variants: [
        { id: 'b', weight: 1, content: {} },
        { id: 'c', weight: 1, content: {} },
      ],
    }));
    const res = await register(s, catalog({ version: '2026-12-04.1', offers }));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe(`offers: ${offers.length * 3} (offer, variant) pairs, more than the ${MAX_CATALOG_CELLS} a report can carry`);
  });

  it('holds at most CACHED_CELLS cells of versions in memory, however many big versions reports cite', async () => {
    const store = createSqliteStore(':memory:');
    const cells = Array.from({ length: MAX_CATALOG_CELLS }, (_, i) => [`o${i}`, 'default'] as [string, string]);
    for (let v = 0; v < 8; v++) await store.registerCatalog({ site: 'big-shop', version: `v${v}`, cells, arms: ['contextual'] }, v);
    const registry = createCatalogRegistry(store);
    for (let v = 0; v < 8; v++) {
      const cited = report({ site: 'big-shop', catalog: `v${v}` });
      expect(await registry.check(cited)).toMatch(/^report\.cells: expected the 40000/);
      expect(registry.cached().cells).toBeLessThanOrEqual(CACHED_CELLS);
    }
    expect(registry.cached()).toEqual({ versions: Math.floor(CACHED_CELLS / MAX_CATALOG_CELLS), cells: Math.floor(CACHED_CELLS / MAX_CATALOG_CELLS) * MAX_CATALOG_CELLS });
    await store.close();
  });
});
