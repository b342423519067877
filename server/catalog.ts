import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { etag, RETAINED_304_HEADERS } from 'hono/etag';
import { readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { holdoutOf, type Catalog } from '../src/protocol/catalog';
import { readCatalogDocument } from './catalog-document';
import type { Registration } from './store';

/** The catalog as served: its bytes, their ETag, and the problem if it cannot be served. */
interface Loaded {
  mtimeMs: number;
  body: Uint8Array<ArrayBuffer>;
  etag: string;
  catalog: Catalog | undefined;
  /** Why it is not served, if it is not. */
  error: string | undefined;
  /** Whether the collector has been told of this version. */
  registered: boolean;
}

/** The served catalog file: its route, and what the collector reads from it. */
export interface ServedCatalog {
  /** `GET /v1/catalog` (and its CORS preflight), to mount at `/v1/catalog`. */
  routes: Hono;
  /** Reloads the file if it changed, registering a new version with the collector. */
  refresh(): Promise<void>;
  /** The personalized arm's share of the holdout weights, for the sample-ratio check. */
  holdoutShare(): Promise<number | null>;
}

/** Where the served catalog is read from, and what is told of it. */
export interface ServedCatalogOptions {
  /** Where a refused catalog is reported. */
  log?: (line: string) => void;
  /** Registers each version served with the collector, so its reports are accepted. */
  register?: ((catalog: Catalog) => Promise<Registration>) | undefined;
}

function holdoutShareOf(catalog: Catalog): number | null {
  const holdout = holdoutOf(catalog);
  if (!holdout) return null;
  const total = holdout.arms.reduce((s, a) => s + a.weight, 0);
  return (holdout.arms.find((a) => a.id === 'personalized')?.weight ?? 0) / total;
}

/**
 * `GET /v1/catalog`: the merchant's catalog file, with an ETag (304 when unchanged, through
 * hono's etag middleware), a Cache-Control that makes caches revalidate, and CORS so shops on
 * other origins can read it. The file is re-read when it changes and registered with the
 * collector; it is refused (503, with the reason) while invalid, or while its version is
 * registered with other offers, so a broken edit never reaches shoppers.
 * @param file the catalog file's path
 */
export function createServedCatalog(file: string, options: ServedCatalogOptions = {}): ServedCatalog {
  const log = options.log ?? (() => undefined);
  let loaded: Loaded | undefined;
  /** Registers a valid catalog; a store that fails is asked again at the next request. */
  async function register(l: Loaded): Promise<void> {
    if (!l.catalog || l.registered || !options.register) return;
    let outcome: Registration;
    try {
      outcome = await options.register(l.catalog);
    } catch (e) {
      log(`catalog ${file}: could not register it with the collector yet: ${(e as Error).message}`);
      return;
    }
    l.registered = true;
    if (outcome === 'conflict') {
      l.error = `the catalog cannot be served: version ${l.catalog.version} of ${l.catalog.siteId} is already registered with other offers, arms or learning; publish the change under a new version`;
      log(`catalog ${file} refused: ${l.error}`);
    }
  }
  async function current(): Promise<Loaded> {
    const { mtimeMs } = await stat(file);
    if (loaded?.mtimeMs !== mtimeMs) {
      const bytes = await readFile(file);
      let catalog: Catalog | undefined;
      let error: string | undefined;
      try {
        catalog = readCatalogDocument(bytes.toString('utf8'));
      } catch (e) {
        error = `the catalog is invalid: ${(e as Error).message}`;
        log(`catalog ${file} refused: ${error}`);
      }
      const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"`;
      const body = new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      loaded = { mtimeMs, body, etag, catalog, error, registered: false };
    }
    const l = loaded;
    await register(l);
    return l;
  }

  const routes = new Hono();
  routes.use(cors({ origin: '*', allowMethods: ['GET'], allowHeaders: ['If-None-Match'], exposeHeaders: ['ETag'], maxAge: 86_400 }));
  routes.use(etag({ retainedHeaders: [...RETAINED_304_HEADERS, 'access-control-allow-origin', 'access-control-expose-headers'] }));
  routes.get('/', async (c) => {
    let served: Loaded;
    try {
      served = await current();
    } catch {
      return c.json({ error: 'no catalog is published' }, 404);
    }
    if (served.error) return c.json({ error: served.error }, 503);
    return c.body(served.body, 200, { ETag: served.etag, 'Cache-Control': 'no-cache', 'Content-Type': 'application/json; charset=utf-8' });
  });
  return {
    routes,
    refresh: () =>
      current().then(
        () => undefined,
        () => undefined,
      ),
    holdoutShare: () =>
      current().then(
        (c) => (c.catalog && !c.error ? holdoutShareOf(c.catalog) : null),
        () => null,
      ),
  };
}

/**
 * The site the served catalog is for must be one the collector takes reports for: a catalog of
 * another site would be served to devices whose reports are then all refused.
 * @param file the catalog's file
 * @param sites VITRINE_SITES (undefined: every site)
 * @returns a message naming the mismatch and its fix, or undefined when it fits (or cannot be read: it is then served as 503 with its reason)
 */
export async function catalogSiteProblem(file: string, sites: readonly string[] | undefined): Promise<string | undefined> {
  if (!sites) return undefined;
  let siteId: string;
  try {
    siteId = readCatalogDocument(await readFile(file, 'utf8')).siteId;
  } catch {
    return undefined;
  }
  if (sites.includes(siteId)) return undefined;
  return `VITRINE_SITES (${sites.join(',')}) does not list the site of the catalog ${file} ("${siteId}"): add it to VITRINE_SITES, or set the catalog's siteId to one of them`;
}
