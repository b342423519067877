import { toErrorData } from '../src/protocol/errors';
import { catalogSignature, decideChunk } from './chunks';
import { guarded, keptIfAllowed } from './storage/lifecycle';
import { serial, type EngineConfig, type EngineState } from './state';
import { reportDomain } from '../src/protocol/report';
import type { Catalog } from '../src/protocol/catalog';
import { mayKeepCatalog, mayReport } from './purposes';
import { MINUTE_MS } from '../src/protocol/time';

/** A catalog older than this is fetched again (with its ETag) at the next decision. */
const CATALOG_MAX_AGE_MS = 5 * MINUTE_MS;
/** The shape of the cached, validated catalog; another value means: fetch it again. */
const CATALOG_CACHE_SCHEMA = 3;

/** How many earlier catalog versions' report domains are kept: enough for any window still unreported. */
const EARLIER_VERSIONS = 8;

/**
 * Keeps the report domain of the catalog being replaced (with measurement consent), so the
 * exposures it was current for are still reported under it, removed offers included.
 */
async function keepEarlierDomain(s: EngineState, replaced: Catalog): Promise<void> {
  if (!mayReport(s.consent) || s.store.kind !== 'indexeddb') return;
  const kept = (await guarded(s, () => s.store.getMeta('reportDomains'))) ?? {};
  delete kept[replaced.version];
  kept[replaced.version] = reportDomain(replaced);
  const newest = Object.keys(kept).slice(-EARLIER_VERSIONS);
  await keptIfAllowed(s, () => s.store.setMeta('reportDomains', Object.fromEntries(newest.map((v) => [v, kept[v]!])), mayReport));
}

/** Which catalogKey a cached catalog was checked with, so another key (or none) refetches it. */
function keyOf(key: string | JsonWebKey | undefined): string | null {
  return JSON.stringify(key) ?? null;
}

/**
 * Serves the catalog cached by an earlier visit, if it was checked for this site with this
 * `catalogKey` by this SDK version (it was validated before it was stored).
 */
export async function restoreCatalog(s: EngineState, cfg: EngineConfig): Promise<void> {
  const cached = await guarded(s, () => s.store.getMeta('catalog'));
  if (cached?.schema === CATALOG_CACHE_SCHEMA && cached.catalog.siteId === cfg.siteId && cached.key === keyOf(cfg.catalogKey)) {
    s.catalog.current = cached.catalog;
    s.catalog.etag = cached.etag;
    s.catalog.fetchedAt = cached.fetchedAt;
  }
}

/** Keeps the catalog for offline use, once the shopper has allowed it and IndexedDB is open. */
export async function saveCatalog(s: EngineState, cfg: EngineConfig): Promise<void> {
  const { current, fetchedAt } = s.catalog;
  if (!current || !mayKeepCatalog(s.consent) || s.store.kind !== 'indexeddb') return;
  // An ETag chosen by the server could single a device out: it is kept only with functional consent.
  const etag = s.consent.purposes.functional ? s.catalog.etag : null;
  const record = { catalog: current, etag, fetchedAt, schema: CATALOG_CACHE_SCHEMA, key: keyOf(cfg.catalogKey) };
  await keptIfAllowed(s, () => s.store.setMeta('catalog', record, mayKeepCatalog));
}

/** Whether the catalog is old enough to be fetched again (with its ETag). */
export const isCatalogStale = (s: EngineState, now: number): boolean => now - s.catalog.fetchedAt > CATALOG_MAX_AGE_MS;

async function fetchCatalog(s: EngineState, cfg: EngineConfig, url: string): Promise<void> {
  const cat = s.catalog;
  try {
    const d = await decideChunk(cfg);
    const result = await d.loadCatalog(url, cat.current ? cat.etag : null, cfg.siteId, catalogSignature(cfg));
    await serial(s, async () => {
      cat.fetchedAt = Date.now();
      cat.error = undefined;
      if (result.status === 'ok') {
        if (cat.current && cat.current.version !== result.catalog.version) await keepEarlierDomain(s, cat.current);
        cat.current = result.catalog;
        cat.compiled = null;
        cat.etag = result.etag;
        await saveCatalog(s, cfg);
      }
    });
  } catch (error) {
    cat.fetchedAt = Date.now();
    cat.error = toErrorData(error, 'catalog-unavailable').message;
  }
  s.emit({ type: 'catalog', version: cat.current?.version ?? null, ...(cat.error ? { error: cat.error } : {}) });
}

/**
 * Fetches the catalog (with the cached copy's ETag). A refused catalog leaves the last good one
 * serving, with the reason in `catalog.error`. Never throws: the outcome is told as a `catalog`
 * event. Callers during a fetch share it.
 * @returns when the fetch is done; undefined without a `catalogUrl`
 */
export function refreshCatalog(s: EngineState, cfg: EngineConfig): Promise<void> | undefined {
  if (!cfg.catalogUrl) return;
  return (s.catalog.loading ??= fetchCatalog(s, cfg, cfg.catalogUrl).finally(() => (s.catalog.loading = undefined)));
}
