import { Hono, type Context } from 'hono';
import { COUNTERS_KEEP_DAYS, type CounterStore } from '../store';
import { REPORT_ID_MEMORY_MS } from '../../src/protocol/report';
import { createAuth } from './auth';
import { COLLECTOR_DEFAULTS } from './defaults';
import { createGroupCommit, type BatchOptions } from './group-commit';
import { createCatalogRegistry, type CatalogRegistry } from './catalog-registry';
import { createCatalogsApi } from './catalogs';
import { createIngest } from './ingest';
import { createStatsApi } from './stats-api';
import { createDashboard } from '../dashboard';
import { createSessions, secureCookies } from '../dashboard/session';
import { createPriorsPublisher } from '../priors/publisher';
import { createPriorsApi, type PriorsApi } from '../priors/routes';
import type { SigningKey } from '../signing-key';
import { CENTRAL_SETTLE_MS, centralEpsilon, withCentralNoise, type CentralNoise } from '../central-noise';
import { DAY_MS, HOUR_MS } from '../../src/protocol/time';
import { REPORTS_PATH } from '../../src/protocol/report';

/** How the collector is set up (README: "The collector"). */
export interface CollectorOptions {
  store: CounterStore;
  /** Bearer token for /v1/stats, /v1/catalogs and /dashboard; without one they answer 404. */
  token?: string | undefined;
  /** A cell is shown only when at least k reports contributed to it. Default 20. */
  k?: number;
  /** Sites whose reports and catalogs are accepted; default: any. */
  sites?: string[] | undefined;
  /** Origins allowed to send reports from the browser (CORS); default: any. */
  origins?: string[] | undefined;
  /** Reports per minute per client before 429. Default 120. */
  perMinute?: number;
  /** How long report ids are kept for deduplication. Default 8 days. */
  dedupMs?: number;
  /** How long counters are kept, in days (`VITRINE_KEEP_DAYS`). Default {@link COUNTERS_KEEP_DAYS}. */
  keepDays?: number;
  /** The client's address, for rate limiting only (hashed with a salt that lives in memory). */
  clientAddress?: ((c: Context) => string | undefined) | undefined;
  /** The personalized arm's configured share of the holdout, for the sample-ratio check. */
  holdoutShare?: (() => Promise<number | null>) | undefined;
  /** The collector's clock, for the windows it accepts and the counters it keeps (tests set it). */
  now?: () => number;
  /** How long a report's body may take to arrive (default 10 s). */
  bodyDeadlineMs?: number;
  /** When batches of reports are committed. */
  batch?: BatchOptions;
  /** Asked before a catalog version is called unknown: reloads the catalog this server serves. */
  refreshCatalog?: () => Promise<void>;
  /** Publishes learned priors at /v1/priors, signed with this key; off without one. */
  priors?: { key: SigningKey; everyMs?: number; halfLifeDays?: number; now?: () => number; sites?: string[] | undefined } | undefined;
  /** Where the priors schedule tells of a renewal that failed. */
  log?: (line: string) => void;
  /** The URL the dashboard is reached at (`VITRINE_PUBLIC_URL`): its scheme decides the cookie's `Secure`, its origin the forms'. */
  publicUrl?: URL | undefined;
  /** Central noise on what the collector releases (stats, dashboard, CSV, priors); off without. */
  centralNoise?: CentralNoise | undefined;
}

/** The collector: its routes, its catalog registry, and a clean stop. */
export interface Collector {
  /** `/v1/reports`, and with a token `/v1/catalogs`, `/v1/stats` and `/dashboard`: mount at `/`. */
  routes: Hono;
  catalogs: CatalogRegistry;
  /** Commits what waits and stops the periodic purge; the store is the caller's to close. */
  close(): Promise<void>;
}

/**
 * Composes the collector from its parts: ingest (validate, shape-check, group commit), the
 * catalog registry and its API, the stats API and the dashboard.
 * @example
 * const collector = createCollector({ store: createSqliteStore('.data'), token })
 * app.route('/', collector.routes)
 */
export function createCollector(options: CollectorOptions): Collector {
  const { store, token, k = COLLECTOR_DEFAULTS.k, sites, dedupMs = REPORT_ID_MEMORY_MS } = options;
  const catalogs = createCatalogRegistry(store, options.refreshCatalog);
  const groupCommit = createGroupCommit(store, options.batch);
  // Reports go into the store as they are; what is read out of it for release has the central noise.
  const { centralNoise } = options;
  const released = centralNoise ? withCentralNoise(store, centralNoise) : store;
  const settlesAfterMs = centralNoise && ((site: string) => (centralEpsilon(centralNoise, site) === undefined ? undefined : CENTRAL_SETTLE_MS));
  const routes = new Hono();
  routes.route(
    REPORTS_PATH,
    createIngest({
      groupCommit,
      catalogs,
      sites,
      origins: options.origins,
      perMinute: options.perMinute ?? COLLECTOR_DEFAULTS.perMinute,
      clientAddress: options.clientAddress,
      settlesAfterMs,
      bodyDeadlineMs: options.bodyDeadlineMs,
      now: options.now,
    }),
  );
  const auth = token ? createAuth(token, { clientAddress: options.clientAddress }) : undefined;
  if (auth && token) {
    routes.route('/v1/catalogs', createCatalogsApi({ auth, catalogs, sites }));
    const reading = { store: released, auth, k, sites, holdoutShare: options.holdoutShare };
    routes.route('/v1/stats', createStatsApi(reading));
    const sessions = createSessions({ store, token, secure: secureCookies(options.publicUrl) });
    routes.route('/dashboard', createDashboard({ ...reading, sessions, publicUrl: options.publicUrl }));
  }
  let priors: PriorsApi | undefined;
  if (options.priors) {
    const publisher = createPriorsPublisher({ store: released, k, ...options.priors });
    priors = createPriorsApi({ publisher, auth, sites, ...(options.log ? { log: options.log } : {}) });
    routes.route('/v1/priors', priors.routes);
  }
  // Report ids are kept only as long as a device may resend, counters as long as configured: then they are forgotten.
  const keepMs = (options.keepDays ?? COUNTERS_KEEP_DAYS) * DAY_MS;
  const purge = () => {
    const now = options.now?.() ?? Date.now();
    void store.purgeIds(now - dedupMs).catch(() => undefined);
    void store.purgeWindows(now - keepMs).catch(() => undefined);
  };
  purge();
  const purging = setInterval(purge, HOUR_MS);
  purging.unref();
  return {
    routes,
    catalogs,
    async close() {
      clearInterval(purging);
      priors?.close();
      await groupCommit.drain();
    },
  };
}
