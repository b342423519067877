/**
 * The decide chunk (dist/vitrine-decide.js): catalog checks, ranking and its features, and
 * the shopper's view of their interests. The engine loads it the first time a page asks for
 * offers or interests, so pages without offers never download it.
 */
import { checkCatalog } from './catalog';
import { fetchCatalog, type FetchResult } from './catalog-fetch';
import type { Catalog } from '../src/protocol/catalog';

/**
 * Fetches the catalog (with the cached copy's ETag) and checks it.
 * @returns `not-modified`, or the checked catalog and its ETag
 */
async function loadCatalog(url: string, etag: string | null, siteId: string, key: string | JsonWebKey | undefined): Promise<{ status: 'not-modified' } | { status: 'ok'; catalog: Catalog; etag: string | null }> {
  const result: FetchResult = await fetchCatalog(url, etag);
  if (result.status === 'not-modified') return result;
  return { status: 'ok', catalog: await checkCatalog(result.body, siteId, key), etag: result.etag };
}
import { assignArm, compileCatalog, rank } from './score';
import { personalView } from './features';
import { forgetCategory, interestsOf, stateInterest } from './interests';
import { validateDecide } from '../src/protocol/decision';

/** What the decide chunk gives the engine. */
export interface DecideModule {
  loadCatalog: typeof loadCatalog;
  checkCatalog: typeof checkCatalog;
  compileCatalog: typeof compileCatalog;
  rank: typeof rank;
  personalView: typeof personalView;
  assignArm: typeof assignArm;
  validateDecide: typeof validateDecide;
  interestsOf: typeof interestsOf;
  forgetCategory: typeof forgetCategory;
  stateInterest: typeof stateInterest;
}

export const decideModule: DecideModule = {
  loadCatalog, checkCatalog, compileCatalog, rank, personalView, assignArm, validateDecide, interestsOf, forgetCategory, stateInterest,
};
