import { VitrineError } from '../../src/protocol/errors';
import { withTimeout } from '../../src/protocol/timeout';

/** The signed documents a device fetches: the merchant's catalog, the collector's priors. */
export type DocumentKind = 'catalog' | 'priors';

/** The result of asking for a document. */
export type FetchResult = { status: 'not-modified' } | { status: 'ok'; body: unknown; etag: string | null };

/**
 * Fetches a document (the catalog, the priors). With the ETag of the cached copy, an unchanged
 * one costs one 304 and no parsing at all. Checking it is the caller's job (worker/decide/verify-catalog.ts).
 * @param url the document's URL
 * @param etag the cached copy's ETag
 * @param kind which document, for error codes and messages
 * @returns `not-modified`, or the parsed body and its ETag
 * @throws VitrineError `catalog-unavailable` / `priors-unavailable`, or `…-invalid` when it is not JSON
 */
export async function fetchDocument(url: string, etag: string | null, kind: DocumentKind = 'catalog'): Promise<FetchResult> {
  let response: Response;
  try {
    // Our own cache (IndexedDB) holds the document and its ETag, so the HTTP cache stays out
    // of it and our 304 comes back to us as is.
    response = await fetch(url, { headers: etag ? { 'If-None-Match': etag } : {}, credentials: 'omit', cache: 'no-store' });
  } catch (error) {
    throw new VitrineError(`${kind}-unavailable`, `${url} could not be fetched (${(error as Error).message})`);
  }
  if (response.status === 304) {
    // Read to its (empty) end: a response left unread is cancelled, and the browser's network panel shows the revalidation as failed.
    await response.arrayBuffer().catch(() => undefined);
    return { status: 'not-modified' };
  }
  if (!response.ok) throw new VitrineError(`${kind}-unavailable`, `${url} answered ${response.status}${await reasonOf(response)}`);
  return { status: 'ok', body: parseJson(await response.text(), kind), etag: response.headers.get('ETag') };
}

/** The most of a refusal's reason a message carries. */
const REASON_CHARS = 300;
/** How long a refusal's reason may take to arrive. */
const REASON_WAIT_MS = 2_000;

/**
 * Why a server refused: the collector names it in its JSON body (`{ "error": "offers[1].catgories: unknown field…" }`).
 * @returns `: <reason>`, or nothing when the body says nothing readable
 */
async function reasonOf(response: Response): Promise<string> {
  try {
    // The first piece of the body only: a refusal's reason is short, and a long body is not read.
    const reader = response.body!.getReader();
    // A body that stalls is not waited for: the refusal is told without its reason.
    const { value } = await withTimeout(reader.read(), REASON_WAIT_MS, 'catalog-unavailable', 'the reason');
    void reader.cancel().catch(() => undefined);
    const text = new TextDecoder().decode(value?.subarray(0, 4 * REASON_CHARS));
    const error = (JSON.parse(text) as { error?: unknown } | null)?.error;
    return typeof error === 'string' && error ? `: ${error.slice(0, REASON_CHARS)}` : '';
  } catch {
    return '';
  }
}

/**
 * Parses a document's JSON text.
 * @param text the JSON text
 * @param kind which document, for the error
 * @returns the parsed value
 * @throws VitrineError `catalog-invalid` / `priors-invalid` when it is not JSON
 */
export function parseJson(text: string, kind: DocumentKind = 'catalog'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new VitrineError(`${kind}-invalid`, `not JSON (${(error as Error).message})`);
  }
}
