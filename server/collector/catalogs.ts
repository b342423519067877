import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Catalog } from '../../src/protocol/catalog';
import { readCatalogDocument } from '../catalog-document';
import type { Auth } from './auth';
import type { CatalogRegistry } from './catalog-registry';

/** A catalog file's largest size the collector reads (20,000 offers fit). */
const CATALOG_BYTES = 16 * 1024 * 1024;

/** What `POST /v1/catalogs` needs. */
export interface CatalogsOptions {
  auth: Auth;
  catalogs: CatalogRegistry;
  /** Sites this collector serves; default: any. */
  sites?: string[] | undefined;
}

/**
 * `POST /v1/catalogs` behind the bearer token: registers a catalog version published
 * elsewhere (a CDN), so reports citing it are accepted. 201 when new, 200 when already
 * known with the same offers, 409 when that version is known with other offers (a version
 * never changes: publish the change under a new version).
 * @returns a sub-app to mount at `/v1/catalogs`
 */
export function createCatalogsApi(options: CatalogsOptions): Hono {
  return new Hono().post(
    '/',
    options.auth.required,
    // A form cannot send JSON across sites without a preflight, which this route never grants.
    async (c, next) => (/^application\/json\s*(?:;|$)/i.test(c.req.header('Content-Type') ?? '') ? next() : c.json({ error: 'Content-Type: expected application/json' }, 415)),
    bodyLimit({ maxSize: CATALOG_BYTES, onError: (c) => c.json({ error: `body: expected at most ${CATALOG_BYTES} bytes` }, 413) }),
    async (c) => {
      let catalog: Catalog;
      try {
        catalog = readCatalogDocument(await c.req.text());
      } catch (error) {
        return c.json({ error: error instanceof SyntaxError ? 'body: expected a JSON catalog' : (error as Error).message }, 400);
      }
      if (options.sites && !options.sites.includes(catalog.siteId)) return c.json({ error: 'siteId: not a site of this collector' }, 403);
      const outcome = await options.catalogs.register(catalog);
      const about = { site: catalog.siteId, version: catalog.version };
      if (outcome === 'conflict') {
        return c.json(
          { error: `version: catalog ${catalog.version} of ${catalog.siteId} is already registered with other offers, arms or learning; publish the change under a new version`, ...about },
          409,
        );
      }
      return c.json({ registered: outcome === 'added' ? 'added' : 'known', ...about }, outcome === 'added' ? 201 : 200);
    },
  );
}
