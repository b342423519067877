import { serve } from '@hono/node-server';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app';

/**
 * `npm start`: serves the demo storefront and the SDK on http://localhost:$PORT (default 8080).
 * Configuration: PORT, HOST (default 127.0.0.1), VITRINE_ROOT (default: the package root),
 * VITRINE_CATALOG (the catalog file served at /v1/catalog; default: the demo shop's).
 */
function main(): void {
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(2);
  }
  const hostname = process.env.HOST ?? '127.0.0.1';
  const root = process.env.VITRINE_ROOT ?? resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const app = createApp({ root, log: (line) => console.log(line), ...(process.env.VITRINE_CATALOG ? { catalogFile: process.env.VITRINE_CATALOG } : {}) });
  const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
    const base = `http://localhost:${info.port}`;
    console.log(`Vitrine demo storefront: ${base}/`);
    console.log(`SDK files:               ${base}/vitrine/vitrine.js, ${base}/vitrine/vitrine-worker.js`);
    console.log(`Offer catalog:           ${base}/v1/catalog`);
    console.log('Press Ctrl+C to stop.');
  });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main();
