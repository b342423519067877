import { realpath, stat } from 'node:fs/promises';
import { serveStatic } from '@hono/node-server/serve-static';
import { extname, join, normalize, sep } from 'node:path';
import type { Context } from 'hono';

/** The types served; hono's serveStatic names each file's Content-Type. */
const TYPES = new Set(['.html', '.js', '.mjs', '.css', '.svg', '.json', '.map', '.ico']);

/**
 * The built SDK files `/vitrine/:file` serves, and nothing else of dist/ (not the server's
 * bundle beside them): the loader (`vitrine.js`, `vitrine.mjs`), the worker and its chunks, the
 * consent adapters (`vitrine-consent-tcf.js`…) and the loader snippets.
 */
export const SDK_FILE = /^(?:vitrine(?:-[a-z]+)*\.js|vitrine\.mjs|snippet(?:-trusted-types)?\.min\.js)$/;

/**
 * The file below `root` that `relative` names, if it may be served: undefined for a path that
 * climbs out of `root`, names a dotfile or a dot folder, has a type not served, or resolves
 * (through a symlink) to a file outside `root` (hono's serveStatic checks none of the last three).
 */
async function servable(root: string, relative: string): Promise<string | undefined> {
  // `relative` comes decoded from the router; a stray % cannot reach here as an escape.
  const path = normalize(join(root, relative));
  if (!path.startsWith(root + sep) || !TYPES.has(extname(path)) || relative.split(/[\\/]/).some((part) => part.startsWith('.'))) return undefined;
  try {
    const real = await realpath(path);
    const inside = real.startsWith((await realpath(root)) + sep) && TYPES.has(extname(real));
    return inside && (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves one file from below `root` with hono's serveStatic (put hono's `etag()` in front of it
 * for ETags and 304s), once {@link servable} lets it through; 404 otherwise.
 * @param c the request context
 * @param root the folder served
 * @param relative the path below it, from the URL
 * @param cacheControl the Cache-Control header to send
 * @returns the response
 */
export async function serveFile(c: Context, root: string, relative: string, cacheControl: string): Promise<Response> {
  const real = await servable(root, relative);
  if (!real) return c.notFound();
  // Set before serveStatic builds its response, which takes the context's headers then (its
  // onFound runs after, too late for them).
  c.header('Cache-Control', cacheControl);
  c.header('X-Content-Type-Options', 'nosniff');
  return (await serveStatic({ path: real })(c, async () => undefined)) ?? c.notFound();
}
