import { Hono } from 'hono';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveFile } from './static';
import { catalogSource } from './catalog';
import { mountCollector, type CollectorOptions } from './collector';

/** Where the server finds what it serves. */
export interface AppOptions {
  /** The repository (or package) root, holding `dist/` and `demo/`. */
  root: string;
  /** Logs one line per request: method, path, status, duration. Never IPs, user agents or referrers. */
  log?: (line: string) => void;
  /** The catalog file served at /v1/catalog. Default: the demo shop's, demo/catalog.json. */
  catalogFile?: string;
  /** The collector of aggregate reports (POST /v1/reports, GET /v1/stats); off without a store. */
  collector?: CollectorOptions;
}

/**
 * The Vitrine server: the demo storefront and the SDK files for now; the collector grows here.
 * Testable without a port through `app.request()`.
 * @param options where the files are, and where log lines go
 * @returns the hono app
 * @example
 * const app = createApp({ root: process.cwd() })
 * const res = await app.request('/vitrine/vitrine.js')
 */
export function createApp(options: AppOptions): Hono {
  const app = new Hono();
  const dist = join(options.root, 'dist');
  const demo = join(options.root, 'demo');

  if (options.log) {
    const log = options.log;
    app.use(async (c, next) => {
      const started = performance.now();
      await next();
      log(`${c.req.method} ${c.req.path} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms`);
    });
  }

  app.get('/healthz', (c) => c.json({ ok: true }));
  const catalog = catalogSource(options.catalogFile ?? join(demo, 'catalog.json'), options.log);
  app.on(['GET', 'OPTIONS'], '/v1/catalog', catalog.handle);
  if (options.collector) mountCollector(app, { holdoutShare: catalog.holdoutShare, ...options.collector });
  // The SDK files, as a merchant would host them. Short cache: the names carry no hash.
  app.get('/vitrine/:file', (c) => serveFile(c, dist, c.req.param('file'), 'public, max-age=300'));
  // The storefront page, with the built loader snippet pasted inline as a merchant would.
  app.get('/', async (c) => {
    const [page, snippet] = await Promise.all([readFile(join(demo, 'index.html'), 'utf8'), readFile(join(dist, 'snippet.min.js'), 'utf8')]);
    c.header('Cache-Control', 'no-cache');
    return c.html(page.replace('<!-- vitrine:snippet -->', () => `<script>${snippet.trim()}</script>`));
  });
  app.get('/demo/*', (c) => serveFile(c, demo, c.req.path.slice('/demo/'.length), 'no-cache'));
  return app;
}
