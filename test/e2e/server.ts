import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app';

/**
 * Starts the real server on a free loopback port, serving this checkout's demo and dist.
 * @returns its base URL and a function that stops it
 */
export async function startServer(log: string[] = [], catalogFile?: string): Promise<{ base: string; stop: () => Promise<void> }> {
  const app = createApp({ root: process.cwd(), log: (line) => log.push(line), ...(catalogFile ? { catalogFile } : {}) });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://localhost:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
