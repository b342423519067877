/**
 * The decide chunk (dist/vitrine-decide.js): loading and checking the catalog, ranking and its
 * features, and the shopper's view of their interests. The engine loads it when it first
 * fetches the catalog or is asked for offers or interests, so a site without a catalog never
 * downloads it.
 */
import { checkCatalog } from './check';
import { fetchCatalog, type FetchResult } from './fetch';
import type { Catalog } from '../../src/protocol/catalog';
import { compileCatalog } from './compile';
import { rank } from './rank';
import { personalView } from './features';
import { forgetCategory, interestsOf, stateInterest } from './interests';
import { validateDecide } from '../../src/protocol/decision';

/**
 * Fetches the catalog (with the cached copy's ETag) and checks it.
 * @param url the catalog URL
 * @param etag the cached copy's ETag, null without one
 * @param siteId the SDK's site id, which the catalog must name
 * @param key the `catalogKey` option
 * @returns `not-modified`, or the checked catalog and its ETag
 * @throws VitrineError `catalog-unavailable`, `catalog-signature` or `catalog-invalid`
 */
async function loadCatalog(url: string, etag: string | null, siteId: string, key: string | JsonWebKey | undefined): Promise<{ status: 'not-modified' } | { status: 'ok'; catalog: Catalog; etag: string | null }> {
  const result: FetchResult = await fetchCatalog(url, etag);
  if (result.status === 'not-modified') return result;
  return { status: 'ok', catalog: await checkCatalog(result.body, siteId, key), etag: result.etag };
}

/** What the decide chunk gives the engine. */
export interface DecideModule {
  loadCatalog: typeof loadCatalog;
  checkCatalog: typeof checkCatalog;
  compileCatalog: typeof compileCatalog;
  rank: typeof rank;
  personalView: typeof personalView;
  validateDecide: typeof validateDecide;
  interestsOf: typeof interestsOf;
  forgetCategory: typeof forgetCategory;
  stateInterest: typeof stateInterest;
}

/** The decide chunk's module, registered by worker/decide-entry.ts. */
export const decideModule: DecideModule = {
  loadCatalog, checkCatalog, compileCatalog, rank, personalView, validateDecide, interestsOf, forgetCategory, stateInterest,
};
