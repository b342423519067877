import { readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { validateCatalog } from '../src/protocol/catalog';
import { isPlainObject } from '../src/protocol/validate';

/** The catalog as served: its bytes, their ETag, and the problem if it does not validate. */
interface Loaded {
  mtimeMs: number;
  body: Uint8Array<ArrayBuffer>;
  etag: string;
  error: string | undefined;
  /** The personalized arm's share of the holdout weights, for the sample-ratio check. */
  holdoutShare: number | null;
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'ETag',
};

function check(text: string): Pick<Loaded, 'error' | 'holdoutShare'> {
  try {
    const doc = JSON.parse(text) as unknown;
    // A signed catalog is checked inside; its signature is the SDK's to verify.
    const inner = isPlainObject(doc) && typeof doc.signed === 'string' ? JSON.parse(doc.signed) : doc;
    const holdout = validateCatalog(inner).experiments.find((e) => e.kind === 'personalization-holdout');
    const total = holdout ? holdout.arms.reduce((s, a) => s + a.weight, 0) : 0;
    const personalized = holdout?.arms.find((a) => a.id === 'personalized')?.weight ?? 0;
    return { error: undefined, holdoutShare: holdout ? personalized / total : null };
  } catch (error) {
    return { error: (error as Error).message, holdoutShare: null };
  }
}

/**
 * `GET /v1/catalog`: the merchant's catalog file, with an ETag (304 when unchanged), a
 * Cache-Control that makes caches revalidate, and CORS so shops on other origins can read it.
 * The file is re-read when it changes, and refused (503, with the reason) while invalid, so
 * a broken edit never reaches shoppers.
 * @param file the catalog file's path
 * @param log where a refused catalog is reported
 * @returns the route's handler, and the holdout share read from the same (cached) file
 */
export function catalogSource(file: string, log: (line: string) => void = () => undefined) {
  let loaded: Loaded | undefined;
  async function current(): Promise<Loaded> {
    const { mtimeMs } = await stat(file);
    if (loaded?.mtimeMs === mtimeMs) return loaded;
    const body = await readFile(file);
    const checked = check(body.toString('utf8'));
    if (checked.error) log(`catalog ${file} refused: ${checked.error}`);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    loaded = { mtimeMs, body: new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)), etag, ...checked };
    return loaded;
  }

  const handle = async (c: Context): Promise<Response> => {
    if (c.req.method === 'OPTIONS') {
      return c.body(null, 204, { ...CORS, 'Access-Control-Allow-Methods': 'GET', 'Access-Control-Allow-Headers': 'If-None-Match', 'Access-Control-Max-Age': '86400' });
    }
    let catalog: Loaded;
    try {
      catalog = await current();
    } catch {
      return c.json({ error: 'no catalog is published' }, 404, CORS);
    }
    if (catalog.error) return c.json({ error: `the catalog is invalid: ${catalog.error}` }, 503, CORS);
    const headers = { ...CORS, ETag: catalog.etag, 'Cache-Control': 'no-cache', 'Content-Type': 'application/json; charset=utf-8' };
    if (c.req.header('If-None-Match') === catalog.etag) return c.body(null, 304, headers);
    return c.body(catalog.body, 200, headers);
  };
  const holdoutShare = () => current().then((c) => (c.error ? null : c.holdoutShare), () => null);
  return { handle, holdoutShare };
}
