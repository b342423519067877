import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createServer } from '../../server/app';
import { createSqliteStore } from '../../server/sqlite';
import type { StatRow } from '../../server/store';

/**
 * Starts the real server on a free loopback port, serving this checkout's demo and dist, with
 * the collector on an in-memory SQLite store (k = 1, so a test sees its own reports). The
 * served catalog is registered with the collector, as `npm start` does.
 * @param log receives the server's log lines; `perRequest` adds one line per request
 * @returns its base URL, the collector's totals for a site, and a function that stops it
 */
export async function startServer(
  log: string[] = [],
  catalogFile?: string,
  perRequest = true,
): Promise<{ base: string; stats: (site: string) => Promise<StatRow[]>; stop: () => Promise<void> }> {
  const store = createSqliteStore(':memory:');
  const app = createServer({
    root: process.cwd(),
    log: (line) => log.push(line),
    logRequests: perRequest,
    ...(catalogFile ? { catalogFile } : {}),
    collector: { store, k: 1 },
  });
  await app.ready;
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://localhost:${port}`,
    stats: (site) => store.stats(site, 0, 8.64e15),
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
