import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Context } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
};

/**
 * The built SDK files `/vitrine/:file` serves, and nothing else of dist/ (not the server's
 * bundle beside them): the loader (`vitrine.js`, `vitrine.mjs`), the worker and its chunks, the
 * consent adapters (`vitrine-consent-tcf.js`…) and the loader snippets.
 */
export const SDK_FILE = /^(?:vitrine(?:-[a-z]+)*\.js|vitrine\.mjs|snippet(?:-trusted-types)?\.min\.js)$/;

/**
 * Serves one file from below `root` (put hono's `etag()` in front of it for ETags and 304s).
 * 404 for a path that climbs out of `root`, names a dotfile or a dot folder, has a type not
 * served, or resolves (through a symlink) to a file outside `root`.
 * @param c the request context
 * @param root the folder served
 * @param relative the path below it, from the URL
 * @param cacheControl the Cache-Control header to send
 * @returns the response
 */
export async function serveFile(c: Context, root: string, relative: string, cacheControl: string): Promise<Response> {
  // `relative` comes decoded from the router; a stray % cannot reach here as an escape.
  const path = normalize(join(root, relative));
  if (!path.startsWith(root + sep) || !TYPES[extname(path)] || relative.split(/[\\/]/).some((part) => part.startsWith('.'))) return c.notFound();
  let body: Buffer;
  try {
    const real = await realpath(path);
    if (!real.startsWith((await realpath(root)) + sep) || !(await stat(real)).isFile()) return c.notFound();
    body = await readFile(real);
  } catch {
    return c.notFound();
  }
  return c.body(new Uint8Array(body), 200, { 'Content-Type': TYPES[extname(path)]!, 'Cache-Control': cacheControl, 'X-Content-Type-Options': 'nosniff' });
}
