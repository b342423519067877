import { serve } from '@hono/node-server';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { createApp } from './app';
import { createSqliteStore } from './sqlite';

/**
 * `npm start`: serves the demo storefront and the SDK on http://localhost:$PORT (default 8080).
 * Configuration: PORT, HOST (default 127.0.0.1), VITRINE_ROOT (default: the package root),
 * VITRINE_CATALOG (the catalog file served at /v1/catalog; default: the demo shop's),
 * VITRINE_DATA (the collector's data folder; default .data), VITRINE_TOKEN (bearer token of
 * /v1/stats and /dashboard; without one a token is made for the run and printed), VITRINE_K (default 20), VITRINE_SITES and
 * VITRINE_ORIGINS (comma-separated allow-lists; default any), VITRINE_RATE_PER_MINUTE
 * (reports per client per minute, default 120), VITRINE_TRUST_PROXY=1 (take the client
 * address for rate limiting from X-Forwarded-For).
 */
function main(): void {
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(2);
  }
  const hostname = process.env.HOST ?? '127.0.0.1';
  const root = process.env.VITRINE_ROOT ?? resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const env = process.env;
  const list = (v: string | undefined) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
  const store = createSqliteStore(env.VITRINE_DATA ?? resolve(root, '.data'));
  // Without a configured token, one is made for this run and printed, so the demo's dashboard opens.
  const token = env.VITRINE_TOKEN ?? randomBytes(12).toString('base64url');
  const app = createApp({
    root,
    log: (line) => console.log(line),
    ...(env.VITRINE_CATALOG ? { catalogFile: env.VITRINE_CATALOG } : {}),
    collector: {
      store,
      token,
      k: Number(env.VITRINE_K ?? 20),
      perMinute: Number(env.VITRINE_RATE_PER_MINUTE ?? 120),
      ...(list(env.VITRINE_SITES) ? { sites: list(env.VITRINE_SITES)! } : {}),
      ...(list(env.VITRINE_ORIGINS) ? { origins: list(env.VITRINE_ORIGINS)! } : {}),
      // The address is used for rate limiting only, hashed with a salt that never leaves memory.
      clientAddress: (c) =>
        (env.VITRINE_TRUST_PROXY === '1' ? c.req.header('X-Forwarded-For')?.split(',')[0]?.trim() : undefined) ??
        (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress,
    },
  });
  const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
    const base = `http://localhost:${info.port}`;
    console.log(`Vitrine demo storefront: ${base}/`);
    console.log(`SDK files:               ${base}/vitrine/vitrine.js, ${base}/vitrine/vitrine-worker.js`);
    console.log(`Offer catalog:           ${base}/v1/catalog`);
    console.log(`Collector:               POST ${base}/v1/reports, GET ${base}/v1/stats (Authorization: Bearer <token>)`);
    console.log(`Dashboard:               ${base}/dashboard?site=demo-shop${env.VITRINE_TOKEN ? '' : `  (token for this run: ${token})`}`);
    console.log('Press Ctrl+C to stop.');
  });
  // Stop accepting, let requests in flight finish (an accepted report is already committed),
  // then close the store.
  const stop = () =>
    server.close(() => {
      store.close();
      process.exit(0);
    });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main();
