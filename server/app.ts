import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { HTTPException } from 'hono/http-exception';
import { join } from 'node:path';
import { SDK_FILE, serveFile } from './static';
import { createServedCatalog } from './catalog';
import { createCollector, type Collector, type CollectorOptions } from './collector';
import { demoRoutes } from './demo';
import { createRequestLog, type RequestLog } from './request-log';

/** Where the server finds what it serves. */
export interface AppOptions {
  /** The repository (or package) root, holding `dist/` and `demo/`. */
  root: string;
  /** Where the SDK files served at `/vitrine/…` are (server/sdk-folder.ts). Default: `<root>/dist`; none: null. */
  sdk?: string | null;
  /** Where log lines go: a summary of requests per minute, and refused catalogs. Never IPs, user agents or referrers. */
  log?: (line: string) => void;
  /** Also one log line per request (method, route, status, duration). Default false: a request costs no log write. */
  logRequests?: boolean;
  /** Serves the demo storefront (`/`, `/p/…`, `/demo/…`) too: for `npm start`, never in production. Default false. */
  demo?: boolean;
  /** The catalog file served at /v1/catalog. Default: the demo shop's, demo/catalog.json. */
  catalogFile?: string;
  /** The collector of aggregate reports (POST /v1/reports, GET /v1/stats); off without a store. */
  collector?: Omit<CollectorOptions, 'holdoutShare' | 'refreshCatalog'>;
}

/** The server: its hono app, and a stop that commits what waits and flushes the log. */
export interface Server {
  app: Hono;
  collector: Collector | undefined;
  /** Loads (and registers) the served catalog now instead of at the first request. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** True for what hono's body helpers throw on a body they cannot parse (a malformed multipart form, JSON that is not). */
function isBadBody(error: Error): boolean {
  return error instanceof SyntaxError || (error instanceof TypeError && /parse body|FormData|multipart/i.test(error.message));
}

/**
 * The Vitrine server: the demo storefront, the SDK files, the catalog and the collector.
 * Testable without a port through `app.request()`.
 * @param options where the files are, and where log lines go
 * @example
 * const { app } = createServer({ root: process.cwd() })
 * const res = await app.request('/vitrine/vitrine.js')
 */
export function createServer(options: AppOptions): Server {
  const app = new Hono();
  const dist = join(options.root, 'dist');
  const sdk = options.sdk === undefined ? dist : options.sdk;
  const demo = join(options.root, 'demo');

  let requestLog: RequestLog | undefined;
  if (options.log) {
    requestLog = createRequestLog({ write: options.log, perRequest: options.logRequests ?? false });
    app.use(requestLog.middleware);
  }

  // Never a stack trace per request in the log (the minute's summary counts the statuses).
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    if (isBadBody(error)) return c.json({ error: 'body: cannot be read as its Content-Type says' }, 400);
    return c.json({ error: 'the server failed on this request' }, 500);
  });
  app.get('/healthz', (c) => c.json({ ok: true }));
  let collector: Collector | undefined;
  const catalog = createServedCatalog(options.catalogFile ?? join(demo, 'catalog.json'), {
    ...(options.log ? { log: options.log } : {}),
    register: (c) => (collector ? collector.catalogs.register(c) : Promise.resolve('added' as const)),
  });
  if (options.collector) {
    collector = createCollector({ ...options.collector, holdoutShare: catalog.holdoutShare, refreshCatalog: catalog.refresh });
    app.route('/', collector.routes);
  }
  app.route('/v1/catalog', catalog.routes);
  // The SDK files, as a merchant would host them. Short cache: the names carry no hash.
  app.get('/vitrine/:file', etag(), (c) => {
    const file = c.req.param('file');
    return sdk && SDK_FILE.test(file) ? serveFile(c, sdk, file, 'public, max-age=300') : c.notFound();
  });
  // The demo storefront, each page with the built loader snippet pasted inline as a merchant would.
  if (options.demo) app.route('/', demoRoutes(demo, dist));
  return {
    app,
    collector,
    ready: catalog.refresh(),
    async close() {
      await collector?.close();
      requestLog?.close();
    },
  };
}

/**
 * The server's hono app alone, for tests and embedding (see `createServer`).
 * @param options where the files are, and where log lines go
 * @returns the hono app
 */
export function createApp(options: AppOptions): Hono {
  return createServer(options).app;
}
