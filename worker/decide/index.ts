/**
 * The decide chunk (dist/vitrine-decide.js): loading and checking the catalog, ranking and its
 * features, and the shopper's view of their interests. The engine loads it when it first
 * fetches the catalog or is asked for offers or interests, so a site without a catalog never
 * downloads it.
 */
import { verifyCatalog } from './verify-catalog';
import { fetchDocument, parseJson, type DocumentKind, type FetchResult } from './fetch';
import type { OpenSigned } from '../signature/index';
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
 * @param open with the `catalogKey` option: the signature check (the signature chunk)
 * @returns `not-modified`, or the checked catalog and its ETag
 * @throws VitrineError `catalog-unavailable`, `catalog-signature` or `catalog-invalid`
 */
async function loadCatalog(
  url: string,
  etag: string | null,
  siteId: string,
  open: OpenSigned | undefined,
): Promise<{ status: 'not-modified' } | { status: 'ok'; catalog: Catalog; etag: string | null }> {
  const result: FetchResult = await fetchDocument(url, etag);
  if (result.status === 'not-modified') return result;
  return { status: 'ok', catalog: await verifyCatalog(result.body, siteId, open), etag: result.etag };
}

/**
 * Fetches a signed document (with the cached copy's ETag) and checks its signature: the learn
 * chunk loads the priors with it, so it carries no copy of the fetch.
 * @param url the document's URL
 * @param etag the cached copy's ETag, null without one
 * @param kind which document, for error codes and messages
 * @param open checks its signature against the key it must be signed with
 * @returns `not-modified`, or the document inside the signed envelope (not yet validated) and its ETag
 * @throws VitrineError `…-unavailable`, `…-signature` or `…-invalid`
 */
async function loadSigned(url: string, etag: string | null, kind: DocumentKind, open: OpenSigned): Promise<FetchResult> {
  const result = await fetchDocument(url, etag, kind);
  if (result.status === 'not-modified') return result;
  return { status: 'ok', body: parseJson(await open(result.body), kind), etag: result.etag };
}

/** What the decide chunk gives the engine. */
export interface DecideModule {
  loadCatalog: typeof loadCatalog;
  loadSigned: typeof loadSigned;
  verifyCatalog: typeof verifyCatalog;
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
  loadCatalog,
  loadSigned,
  verifyCatalog,
  compileCatalog,
  rank,
  personalView,
  validateDecide,
  interestsOf,
  forgetCategory,
  stateInterest,
};
