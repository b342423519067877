import { VitrineError } from '../../src/protocol/errors';

/** The result of asking for the catalog. */
export type FetchResult = { status: 'not-modified' } | { status: 'ok'; body: unknown; etag: string | null };

/**
 * Fetches the catalog document. With the ETag of the cached copy, an unchanged catalog costs
 * one 304 and no parsing at all. Checking it is the decide chunk's job (worker/decide/check.ts).
 * @param url the catalog URL
 * @param etag the cached copy's ETag
 * @returns `not-modified`, or the parsed body and its ETag
 * @throws VitrineError `catalog-unavailable`, or `catalog-invalid` when it is not JSON
 */
export async function fetchCatalog(url: string, etag: string | null): Promise<FetchResult> {
  let response: Response;
  try {
    // Our own cache (IndexedDB) holds the catalog and its ETag, so the HTTP cache stays out
    // of it and our 304 comes back to us as is.
    response = await fetch(url, { headers: etag ? { 'If-None-Match': etag } : {}, credentials: 'omit', cache: 'no-store' });
  } catch (error) {
    throw new VitrineError('catalog-unavailable', `catalog: ${url} could not be fetched (${(error as Error).message})`);
  }
  if (response.status === 304) return { status: 'not-modified' };
  if (!response.ok) throw new VitrineError('catalog-unavailable', `catalog: ${url} answered ${response.status}`);
  return { status: 'ok', body: parseJson(await response.text()), etag: response.headers.get('ETag') };
}

/**
 * Parses a catalog's JSON text.
 * @param text the JSON text
 * @returns the parsed value
 * @throws VitrineError `catalog-invalid` when it is not JSON
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new VitrineError('catalog-invalid', `catalog: not JSON (${(error as Error).message})`);
  }
}

