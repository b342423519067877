import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from '../../server/app';
import { createSqliteStore } from '../../server/sqlite';
import type { StatRow } from '../../server/store';
import type { CollectorOptions } from '../../server/collector';
import { readSigningKey } from '../../server/signing-key';
import { DEMO_PRIORS_KEY } from '../../server/demo';

/**
 * Starts the real server on a free loopback port, serving this checkout's demo and dist, with
 * the collector on an in-memory SQLite store (k = 1, so a test sees its own reports) and its
 * priors signed with the demo's key, as `npm start` does. The served catalog is registered
 * with the collector, as `npm start` does.
 * @param log receives the server's log lines; `perRequest` adds one line per request
 * @param routes the test's own pages, served before the server's
 * @param collector settings of the collector that differ from the above (a token, a rate limit)
 * @returns its base URL, the collector's totals for a site, every request it received (the
 *   server's side of a network audit, for engines whose driver cannot watch the network), and
 *   a function that stops it
 */
export async function startServer(
  log: string[] = [],
  catalogFile?: string,
  perRequest = true,
  routes?: (app: Hono) => void,
  collector: Partial<CollectorOptions> = {},
): Promise<{ base: string; stats: (site: string) => Promise<StatRow[]>; received: ReceivedRequest[]; stop: () => Promise<void> }> {
  const store = createSqliteStore(':memory:');
  const key = await readSigningKey(readFileSync(join(process.cwd(), 'demo', DEMO_PRIORS_KEY), 'utf8'));
  const app = createServer({
    root: process.cwd(),
    demo: true,
    log: (line) => log.push(line),
    logRequests: perRequest,
    ...(catalogFile ? { catalogFile } : {}),
    collector: { store, k: 1, priors: { key }, ...collector },
  });
  await app.ready;
  const received: ReceivedRequest[] = [];
  const audited = new Hono();
  audited.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    const seen: ReceivedRequest = {
      method: c.req.method,
      path: url.pathname,
      search: url.search,
      body: c.req.method === 'POST' ? await c.req.raw.clone().text() : null,
      status: 0,
      referer: c.req.header('referer') ?? null,
    };
    received.push(seen);
    await next();
    seen.status = c.res.status;
  });
  routes?.(audited);
  audited.route('/', app.app);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: audited.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://localhost:${port}`,
    stats: (site) => store.stats(site, 0, 8.64e15),
    received,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await app.close();
      await store.close();
    },
  };
}

/** A request the server received, as a network audit lists it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  search: string;
  /** The body of a POST. */
  body: string | null;
  status: number;
  /** The Referer header, when the browser sent one. */
  referer: string | null;
}

/**
 * Writes the demo's catalog without its random parts (exploration, the 10% holdout), so what
 * a shopper sees is certain.
 * @param dir a temporary folder the caller removes
 * @returns the file's path, for {@link startServer}
 */
export function certainCatalog(dir: string): string {
  const catalog = JSON.parse(readFileSync(join(process.cwd(), 'demo/catalog.json'), 'utf8'));
  const file = join(dir, 'catalog.json');
  writeFileSync(file, JSON.stringify({ ...catalog, settings: { ...catalog.settings, exploration: 0 }, experiments: [] }));
  return file;
}
