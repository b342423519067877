import type pg from 'pg';
import { METRICS } from '../src/protocol/report';
import { VARIANCES } from './counter-columns';
import { DAY_MS } from '../src/protocol/time';

/* The PostgreSQL store's schema, step by step, and how a collector brings a database up to date (postgres.ts calls it at start). */
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

/** The session-level advisory lock held while migrating, so collectors starting together migrate once ("vitr"). */
const MIGRATION_LOCK = 0x76697472;

/** Brings the schema up to date under an advisory lock, so of N collectors starting at once one migrates and the others wait. */
export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, migrated_at timestamptz NOT NULL DEFAULT now())');
      const { rows } = await client.query<{ version: number }>('SELECT COALESCE(MAX(version), 0) AS version FROM schema_version');
      const version = rows[0]!.version;
      if (version > MIGRATIONS.length) {
        throw new Error(`the PostgreSQL database has schema version ${version}, newer than this collector's ${MIGRATIONS.length}: upgrade the collector`);
      }
      for (let v = version; v < MIGRATIONS.length; v++) {
        await client.query('BEGIN');
        try {
          await client.query(MIGRATIONS[v]!);
          await client.query('INSERT INTO schema_version (version) VALUES ($1)', [v + 1]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    // Releasing with the error closes the connection, and with it the session's lock if unlocking failed.
    client.release(broken);
  }
}
