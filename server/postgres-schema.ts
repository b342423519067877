import { METRICS } from '../src/protocol/report';
import { VARIANCES } from './counter-columns';
import { DAY_MS } from '../src/protocol/time';

/* The PostgreSQL store's schema, step by step (postgres.ts applies it). */
/**
 * Schema steps: `MIGRATIONS[n]` takes a database at version n to n + 1, as recorded in
 * `schema_version`. The same tables as the SQLite store, in PostgreSQL's types.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE counters (
     site text NOT NULL, window_start bigint NOT NULL, window_ms bigint NOT NULL, catalog text NOT NULL,
     offer text NOT NULL, variant text NOT NULL, arm text NOT NULL,
     reports bigint NOT NULL, noisy_reports bigint NOT NULL,
     ${METRICS.map((m) => `${m} bigint NOT NULL`).join(', ')},
     ${VARIANCES.map((v) => `${v} double precision NOT NULL`).join(', ')},
     PRIMARY KEY (site, window_start, window_ms, catalog, offer, variant, arm)
   );
   CREATE TABLE report_ids (id text PRIMARY KEY, received_at bigint NOT NULL);
   CREATE INDEX report_ids_received ON report_ids (received_at);
   CREATE TABLE catalogs (
     site text NOT NULL, version text NOT NULL, cells jsonb NOT NULL, arms jsonb NOT NULL, registered_at bigint NOT NULL,
     PRIMARY KEY (site, version)
   );`,
  // 1 → 2: what the priors need of a catalog that learns, and the priors documents published.
  `ALTER TABLE catalogs ADD COLUMN learning jsonb;
   CREATE TABLE priors (
     site text NOT NULL, version text NOT NULL, catalog text NOT NULL, computed_at bigint NOT NULL, document text NOT NULL,
     PRIMARY KEY (site, version)
   );
   CREATE INDEX priors_newest ON priors (site, computed_at);`,
  // 2 → 3: the dashboard's sign-ins, by the hash of their id, so a sign-out ends one on every
  // collector; and the counters summed per UTC day, so reading a range of days costs the same
  // however many windows a day holds.
  `CREATE TABLE dashboard_sessions (hash text PRIMARY KEY, expires_at bigint NOT NULL);
   CREATE TABLE daily_counters (
     site text NOT NULL, day bigint NOT NULL, catalog text NOT NULL, offer text NOT NULL, variant text NOT NULL, arm text NOT NULL,
     reports bigint NOT NULL, noisy_reports bigint NOT NULL,
     ${METRICS.map((m) => `${m} bigint NOT NULL`).join(', ')}, ${VARIANCES.map((v) => `${v} double precision NOT NULL`).join(', ')},
     PRIMARY KEY (site, day, catalog, offer, variant, arm)
   );
   INSERT INTO daily_counters
     SELECT site, window_start - window_start % ${DAY_MS}, catalog, offer, variant, arm, SUM(reports), SUM(noisy_reports),
       ${[...METRICS, ...VARIANCES].map((m) => `SUM(${m})`).join(', ')}
     FROM counters GROUP BY 1, 2, 3, 4, 5, 6;`,
];
