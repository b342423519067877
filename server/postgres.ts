import pg from 'pg';
import { METRICS } from '../src/protocol/report';
import type { Arm } from '../src/protocol/decision';
import { migrate } from './postgres-schema';
import { mergeReports } from './counters';
import { VARIANCES, toStat, wholeDays, windowBound, type SumRow } from './counter-columns';
import { DAY_MS } from '../src/protocol/time';
import { CATALOG_VERSIONS_KEPT, PRIORS_KEPT, sameShape, type CatalogShape, type CounterStore, type DailyRow, type LearningShape, type StoredPriors, type WindowRow } from './store';

/** The first key of the transaction-level advisory lock of a site's priors (the second is the site's hash), so one collector computes each version ("prio"). */
const PRIORS_LOCK = 0x7072696f;

/** The counters columns, in the order `commit` sends their arrays. */
const COLUMNS = [
  ['site', 'text'],
  ['window_start', 'bigint'],
  ['window_ms', 'bigint'],
  ['catalog', 'text'],
  ['offer', 'text'],
  ['variant', 'text'],
  ['arm', 'text'],
  ['reports', 'bigint'],
  ['noisy_reports', 'bigint'],
  ...METRICS.map((m) => [m, 'bigint'] as const),
  ...VARIANCES.map((v) => [v, 'double precision'] as const),
] as const;

const UPSERT = `
  INSERT INTO counters (${COLUMNS.map(([c]) => c).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
  ON CONFLICT (site, window_start, window_ms, catalog, offer, variant, arm) DO UPDATE SET
    ${COLUMNS.slice(7)
      .map(([c]) => `${c} = counters.${c} + excluded.${c}`)
      .join(', ')}`;

/**
 * The same arrays added up per UTC day. Deltas of one day's windows share a key, so they are
 * summed first (an upsert may touch a row once), and written in key order, so two collectors
 * never deadlock.
 */
const DAILY_UPSERT = `
  INSERT INTO daily_counters (site, day, catalog, offer, variant, arm, ${COLUMNS.slice(7)
    .map(([c]) => c)
    .join(', ')})
  SELECT site, window_start - window_start % ${DAY_MS}, catalog, offer, variant, arm, ${COLUMNS.slice(7)
    .map(([c]) => `SUM(${c})`)
    .join(', ')}
  FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) AS d(${COLUMNS.map(([c]) => c).join(', ')})
  GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (site, day, catalog, offer, variant, arm) DO UPDATE SET
    ${COLUMNS.slice(7)
      .map(([c]) => `${c} = daily_counters.${c} + excluded.${c}`)
      .join(', ')}`;

/** Sums as float8, so pg hands back JS numbers (exact below 2^53) rather than strings. */
const SUMS = `SUM(reports)::float8 AS reports, SUM(noisy_reports)::float8 AS "noisyReports", ${[...METRICS, ...VARIANCES].map((m) => `SUM(${m})::float8 AS ${m}`).join(', ')}`;
/** Byte order, as SQLite's BINARY collation sorts, whatever the database's locale. */
const KEY_ORDER = ['catalog', 'offer', 'variant', 'arm'].map((c) => `${c} COLLATE "C"`).join(', ');

/** Totals per window of a site, through a pool or the client of a transaction. */
async function readWindows(db: pg.Pool | pg.PoolClient, site: string, from: number, to: number): Promise<WindowRow[]> {
  const { rows } = await db.query<SumRow & { windowStart: number; windowMs: number }>(
    `SELECT window_start::float8 AS "windowStart", window_ms::float8 AS "windowMs", catalog, offer, variant, arm,
       reports::float8 AS reports, noisy_reports::float8 AS "noisyReports", ${[...METRICS.map((m) => `${m}::float8 AS ${m}`), ...VARIANCES].join(', ')}
     FROM counters WHERE site = $1 AND window_start >= $2 AND window_start < $3
     ORDER BY window_start, window_ms, ${KEY_ORDER}`,
    [site, windowBound(from), windowBound(to)],
  );
  return rows.map((r) => toStat(r) as WindowRow);
}

/** Runs `work` in a transaction on one client of the pool: committed when it resolves, rolled back when it throws. */
async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    // A connection that cannot even roll back is dropped, not returned to the pool.
    await client.query('ROLLBACK').then(
      () => client.release(),
      (broken: Error) => client.release(broken),
    );
    throw error;
  }
}

/**
 * The shared store: PostgreSQL, for several stateless collectors behind a load balancer.
 * Migrates the schema at start (once, whoever starts first). Each commit is one transaction
 * that claims report ids and adds counters in a fixed key order, so collectors committing
 * overlapping batches at once count every report once and never deadlock.
 * @param url a `postgres://` or `postgresql://` URL (VITRINE_DATABASE_URL)
 * @param options.poolSize connections kept open (default 10)
 * @throws Error when the URL is not PostgreSQL's, the server cannot be reached, or its schema is newer than this code
 * @example
 * const store = await createPostgresStore('postgres://vitrine@db.internal/vitrine');
 */
export async function createPostgresStore(url: string, options: { poolSize?: number } = {}): Promise<CounterStore> {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // Reported below without echoing a string that may hold a password.
  }
  if (!parsed || !/^postgres(ql)?:$/.test(parsed.protocol)) {
    throw new Error('the database URL must be a postgres:// or postgresql:// URL, such as postgres://user:password@host:5432/vitrine');
  }
  const poolSize = options.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new Error(`poolSize must be a whole number of connections from 1, got ${poolSize}`);
  // A database that stops answering must fail the flush (devices retry on the 503), not hold
  // every request of the collector forever.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000, query_timeout: 30_000, statement_timeout: 30_000 });
  // An idle connection the server drops is discarded by the pool; the next query opens another.
  // Without a listener the 'error' event would end the process.
  pool.on('error', () => {});
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    const { code } = error as { code?: string };
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') {
      throw new Error(`cannot reach PostgreSQL at ${parsed.host}: ${(error as Error).message}`, { cause: error });
    }
    throw error;
  }

  type CatalogRow = { version: string; cells: [string, string][]; arms: Arm[]; learning: LearningShape | null };
  const toShape = (site: string, row: CatalogRow | undefined): CatalogShape | undefined =>
    row && { site, version: row.version, cells: row.cells, arms: row.arms, ...(row.learning ? { learning: row.learning } : {}) };
  const catalogShape = async (site: string, version: string): Promise<CatalogShape | undefined> => {
    const { rows } = await pool.query<CatalogRow>('SELECT version, cells, arms, learning FROM catalogs WHERE site = $1 AND version = $2', [site, version]);
    return toShape(site, rows[0]);
  };
  const NEWEST_PRIORS = `SELECT site, version, catalog, computed_at::float8 AS "computedAt", document FROM priors
    WHERE site = $1 ORDER BY computed_at DESC, version COLLATE "C" DESC LIMIT 1`;

  return {
    async registerCatalog(shape, at) {
      // A version is immutable, so the insert and the read need no transaction between them.
      const inserted = await pool.query('INSERT INTO catalogs (site, version, cells, arms, registered_at, learning) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING', [
        shape.site,
        shape.version,
        JSON.stringify(shape.cells),
        JSON.stringify(shape.arms),
        at,
        shape.learning ? JSON.stringify(shape.learning) : null,
      ]);
      if (inserted.rowCount === 1) {
        await pool.query(
          `DELETE FROM catalogs WHERE site = $1 AND version NOT IN (SELECT version FROM catalogs WHERE site = $1 ORDER BY registered_at DESC, version COLLATE "C" DESC LIMIT ${CATALOG_VERSIONS_KEPT})`,
          [shape.site],
        );
        return 'added';
      }
      const kept = await catalogShape(shape.site, shape.version);
      return kept && sameShape(kept, shape) ? 'known' : 'conflict';
    },
    catalogShape,
    async currentCatalog(site) {
      const { rows } = await pool.query<CatalogRow>('SELECT version, cells, arms, learning FROM catalogs WHERE site = $1 ORDER BY registered_at DESC, version COLLATE "C" DESC LIMIT 1', [site]);
      return toShape(site, rows[0]);
    },
    async latestPriors(site) {
      return (await pool.query<StoredPriors>(NEWEST_PRIORS, [site])).rows[0];
    },
    async priorsHistory(site) {
      const { rows } = await pool.query<StoredPriors>(
        'SELECT site, version, catalog, computed_at::float8 AS "computedAt", document FROM priors WHERE site = $1 ORDER BY computed_at, version COLLATE "C"',
        [site],
      );
      return rows;
    },
    renewPriors(site, fresh, make) {
      // The lock is the transaction's: whoever holds it computes; the others wait, then find
      // the new document fresh. The computation reads counters through the same connection, so
      // a pool of one cannot wait on itself.
      return transaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PRIORS_LOCK, site]);
        const latest = (await client.query<StoredPriors>(NEWEST_PRIORS, [site])).rows[0];
        if (fresh(latest)) return latest;
        const made = await make((from, to) => readWindows(client, site, from, to));
        if (!made) return undefined;
        await client.query('INSERT INTO priors (site, version, catalog, computed_at, document) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [
          made.site,
          made.version,
          made.catalog,
          made.computedAt,
          made.document,
        ]);
        await client.query(
          `DELETE FROM priors WHERE site = $1 AND version NOT IN (SELECT version FROM priors WHERE site = $1 ORDER BY computed_at DESC, version COLLATE "C" DESC LIMIT ${PRIORS_KEPT})`,
          [site],
        );
        return made;
      });
    },
    async commit(reports, receivedAt) {
      if (reports.length === 0) return [];
      // Ids in one order everywhere, so two collectors claiming shared ids wait on each other instead of deadlocking.
      const ids = [...new Set(reports.map((r) => r.id))].sort();
      return transaction(pool, async (client) => {
        const claimed = await client.query<{ id: string }>('INSERT INTO report_ids (id, received_at) SELECT id, $2 FROM unnest($1::text[]) AS id ORDER BY id ON CONFLICT DO NOTHING RETURNING id', [
          ids,
          receivedAt,
        ]);
        const fresh = new Set(claimed.rows.map((r) => r.id));
        // The first report with a claimed id counts; a later one in the batch is a duplicate.
        const added = reports.map((r) => fresh.delete(r.id));
        const deltas = mergeReports(reports.filter((_, i) => added[i]));
        if (deltas.length > 0) {
          const columns = [
            deltas.map((d) => d.site),
            deltas.map((d) => d.windowStart),
            deltas.map((d) => d.windowMs),
            deltas.map((d) => d.catalog),
            deltas.map((d) => d.offer),
            deltas.map((d) => d.variant),
            deltas.map((d) => d.arm),
            deltas.map((d) => d.reports),
            deltas.map((d) => d.noisyReports),
            ...METRICS.map((m) => deltas.map((d) => d[m])),
            ...METRICS.map((m) => deltas.map((d) => d.variance[m])),
          ];
          await client.query(UPSERT, columns);
          await client.query(DAILY_UPSERT, columns);
        }
        return added;
      });
    },
    async stats(site, from, to) {
      // Whole days are read from the daily totals: a row per day and cell, however many windows.
      const [table, start] = wholeDays(from, to) ? ['daily_counters', 'day'] : ['counters', 'window_start'];
      const { rows } = await pool.query<SumRow>(
        `SELECT catalog, offer, variant, arm, ${SUMS}
         FROM ${table} WHERE site = $1 AND ${start} >= $2 AND ${start} < $3
         GROUP BY catalog, offer, variant, arm ORDER BY ${KEY_ORDER}`,
        [site, windowBound(from), windowBound(to)],
      );
      return rows.map(toStat);
    },
    async daily(site, from, to) {
      const [table, start] = wholeDays(from, to) ? ['daily_counters', 'day'] : ['counters', 'window_start'];
      const { rows } = await pool.query<SumRow & { day: string }>(
        `SELECT to_char(to_timestamp(${start} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, catalog, offer, variant, arm, ${SUMS}
         FROM ${table} WHERE site = $1 AND ${start} >= $2 AND ${start} < $3
         GROUP BY 1, catalog, offer, variant, arm ORDER BY 1, ${KEY_ORDER}`,
        [site, windowBound(from), windowBound(to)],
      );
      return rows.map((r) => toStat(r) as DailyRow);
    },
    async purgeWindows(before) {
      const day = before - (before % DAY_MS);
      return transaction(pool, async (client) => {
        const { rowCount } = await client.query('DELETE FROM counters WHERE window_start < $1', [windowBound(day)]);
        await client.query('DELETE FROM daily_counters WHERE day < $1', [windowBound(day)]);
        return rowCount ?? 0;
      });
    },
    windows: (site, from, to) => readWindows(pool, site, from, to),
    async purgeIds(before) {
      const { rowCount } = await pool.query('DELETE FROM report_ids WHERE received_at < $1', [windowBound(before)]);
      return rowCount ?? 0;
    },
    async startSession(hash, expiresAt, now) {
      await pool.query('DELETE FROM dashboard_sessions WHERE expires_at <= $1', [now]);
      await pool.query('INSERT INTO dashboard_sessions (hash, expires_at) VALUES ($1, $2) ON CONFLICT (hash) DO UPDATE SET expires_at = excluded.expires_at', [hash, expiresAt]);
    },
    async sessionActive(hash, now) {
      return (await pool.query('SELECT 1 FROM dashboard_sessions WHERE hash = $1 AND expires_at > $2', [hash, now])).rowCount === 1;
    },
    async endSession(hash) {
      await pool.query('DELETE FROM dashboard_sessions WHERE hash = $1', [hash]);
    },
    close: () => pool.end(),
  };
}
