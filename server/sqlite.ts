import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, type Report } from '../src/protocol/report';
import type { Arm } from '../src/protocol/decision';
import { MIGRATIONS } from './sqlite-schema';
import { mergeRuns, sumRuns, type Run } from './counters';
import { VARIANCES, toStat, wholeDays, windowBound, type SumRow } from './counter-columns';
import { DAY_MS } from '../src/protocol/time';
import { CATALOG_VERSIONS_KEPT, PRIORS_KEPT, sameShape, type CatalogShape, type CounterStore, type DailyRow, type LearningShape, type Registration, type StoredPriors, type WindowRow } from './store';

/**
 * Pending runs are folded into counters at most this long after their commit, and before
 * every read. Folding adds up the runs of many flushes first, so the longer the wait, the
 * fewer counter rows are written; a fold holds the event loop for a moment (tens of ms under
 * load), so it should come rarely.
 */
const FOLD_MS = 5_000;

/**
 * WAL pages before SQLite checkpoints on a commit (its default is 1,000). Every checkpoint
 * syncs the log and the database file, and report ids land on random pages, so a flush
 * dirties a page per report: at 1,000 pages a checkpoint would come every hundred flushes or
 * so, a third of the cost of a commit (npm run bench). This bounds the log at about 40 MiB.
 */
const CHECKPOINT_PAGES = 10_000;

/**
 * A run's sums as stored: as 32-bit integers when every sum fits (sums are whole numbers,
 * and nearly always small), which halves what a flush writes; as 64-bit floats otherwise.
 * The length tells which: a run of n cells has n × METRICS.length sums.
 */
function packSums(sums: Float64Array): Buffer {
  const fits = sums.every((x) => x >= -0x8000_0000 && x <= 0x7fff_ffff);
  const packed = fits ? Int32Array.from(sums) : sums;
  return Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
}

function unpackSums(blob: Buffer, cells: number): Float64Array {
  const copy = blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength);
  return blob.byteLength === cells * METRICS.length * Int32Array.BYTES_PER_ELEMENT ? Float64Array.from(new Int32Array(copy)) : new Float64Array(copy);
}

/** How far a commit goes before a report is answered 202. */
export type SqliteSync = 'normal' | 'full';

/**
 * The embedded store: SQLite in `dir/collector.db`, WAL, created on first start and migrated
 * on every start. With `normal` (the default) a commit is in the write-ahead log before its
 * 202, so it survives a crash or kill of the collector; a power loss or kernel crash may
 * still undo the last commits (https://www.sqlite.org/pragma.html#pragma_synchronous).
 * `full` also waits for the disk (an fsync per flush, about 5 ms on this project's machines).
 * @param dir the data folder (created if missing), or `:memory:`
 * @param options.synchronous `normal` or `full`
 */
export function createSqliteStore(dir: string, options: { synchronous?: SqliteSync } = {}): CounterStore {
  const file = dir === ':memory:' ? dir : (mkdirSync(dir, { recursive: true }), join(dir, 'collector.db'));
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    db.close();
    throw new Error(`${file} has schema version ${version}, newer than this collector's ${MIGRATIONS.length}`);
  }
  db.transaction(() => {
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();

  // One statement claims a batch's ids, whatever their number, and returns those that were new.
  const claimIds = db.prepare('INSERT OR IGNORE INTO report_ids (id, received_at) SELECT value, ? FROM json_each(?) RETURNING id').pluck();
  const claim = (ids: string[], receivedAt: number): Set<string> => new Set(claimIds.all(receivedAt, JSON.stringify(ids)) as string[]);
  const addUp = `ON CONFLICT DO UPDATE SET reports = reports + excluded.reports, noisy_reports = noisy_reports + excluded.noisy_reports,
      ${[...METRICS, ...VARIANCES].map((m) => `${m} = ${m} + excluded.${m}`).join(', ')}`;
  const add = db.prepare(`
    INSERT INTO counters (site, window_start, window_ms, catalog, offer, variant, arm, reports, noisy_reports, ${METRICS.join(', ')}, ${VARIANCES.join(', ')})
    VALUES (${Array.from({ length: 9 + 2 * METRICS.length }, () => '?').join(', ')}) ${addUp}`);
  const addDaily = db.prepare(`
    INSERT INTO daily_counters (site, day, catalog, offer, variant, arm, reports, noisy_reports, ${METRICS.join(', ')}, ${VARIANCES.join(', ')})
    VALUES (${Array.from({ length: 8 + 2 * METRICS.length }, () => '?').join(', ')}) ${addUp}`);
  const keep = db.prepare(`INSERT INTO pending_runs (site, window_start, window_ms, catalog, arm, cells, reports, noisy_reports, variance, sums)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const pending = db.prepare('SELECT * FROM pending_runs ORDER BY seq');
  const forget = db.prepare('DELETE FROM pending_runs WHERE seq <= ?');
  type PendingRow = {
    seq: number;
    site: string;
    window_start: number;
    window_ms: number;
    catalog: string;
    arm: Arm;
    cells: string;
    reports: number;
    noisy_reports: number;
    variance: string;
    sums: Buffer;
  };

  // A flush writes its report ids and one packed run per (window, version, arm, cells): a few
  // rows, however many cells. Folding adds runs up into counters, many flushes at a time.
  const commit = db.transaction((reports: readonly Report[], receivedAt: number): boolean[] => {
    // A duplicate within the batch counts once: the first of them is the one added.
    const fresh = claim([...new Set(reports.map((r) => r.id))], receivedAt);
    const added = reports.map((r) => fresh.delete(r.id));
    for (const run of mergeRuns(reports.filter((_, i) => added[i]))) {
      keep.run(run.site, run.windowStart, run.windowMs, run.catalog, run.arm, run.cellsKey, run.reports, run.noisyReports, JSON.stringify(run.variance), packSums(run.sums));
    }
    return added;
  });
  const fold = db.transaction(() => {
    const rows = pending.all() as PendingRow[];
    if (rows.length === 0) return;
    // Runs of the same cells share their cells' JSON: it is parsed once.
    const cellsOf = new Map<string, [string, string][]>();
    const runs = rows.map((r): Run => {
      const cells = cellsOf.get(r.cells) ?? cellsOf.set(r.cells, JSON.parse(r.cells) as [string, string][]).get(r.cells)!;
      return {
        site: r.site,
        windowStart: r.window_start,
        windowMs: r.window_ms,
        catalog: r.catalog,
        arm: r.arm,
        cells,
        cellsKey: r.cells,
        reports: r.reports,
        noisyReports: r.noisy_reports,
        variance: JSON.parse(r.variance) as number[],
        sums: unpackSums(r.sums, cells.length),
      };
    });
    for (const d of sumRuns(runs)) {
      const sums = [d.reports, d.noisyReports, ...METRICS.map((m) => d[m]), ...METRICS.map((m) => d.variance[m])];
      add.run(d.site, d.windowStart, d.windowMs, d.catalog, d.offer, d.variant, d.arm, ...sums);
      addDaily.run(d.site, d.windowStart - (d.windowStart % DAY_MS), d.catalog, d.offer, d.variant, d.arm, ...sums);
    }
    forget.run(rows.at(-1)!.seq);
  });
  // Runs a crash left unfolded are folded now; later ones within FOLD_MS of their commit.
  // IMMEDIATE: the read and the write hold the write lock together.
  fold.immediate();
  let folding: NodeJS.Timeout | undefined;
  const foldSoon = () => {
    if (folding) return;
    folding = setTimeout(() => {
      folding = undefined;
      if (!db.open) return;
      try {
        fold.immediate();
      } catch {
        // The runs stay pending (nothing is lost) and are folded at the next try or read.
        foldSoon();
      }
    }, FOLD_MS);
    folding.unref();
  };
  const folded = () => {
    clearTimeout(folding);
    folding = undefined;
    fold.immediate();
  };
  const sums = `SUM(reports) AS reports, SUM(noisy_reports) AS noisyReports, ${[...METRICS, ...VARIANCES].map((m) => `SUM(${m}) AS ${m}`).join(', ')}`;
  const stats = db.prepare(`
    SELECT catalog, offer, variant, arm, ${sums}
    FROM counters WHERE site = ? AND window_start >= ? AND window_start < ?
    GROUP BY catalog, offer, variant, arm ORDER BY catalog, offer, variant, arm`);
  const statsOfDays = db.prepare(`
    SELECT catalog, offer, variant, arm, ${sums}
    FROM daily_counters WHERE site = ? AND day >= ? AND day < ?
    GROUP BY catalog, offer, variant, arm ORDER BY catalog, offer, variant, arm`);
  const daily = db.prepare(`
    SELECT strftime('%Y-%m-%d', window_start / 1000, 'unixepoch') AS day, catalog, offer, variant, arm, ${sums}
    FROM counters WHERE site = ? AND window_start >= ? AND window_start < ?
    GROUP BY day, catalog, offer, variant, arm ORDER BY day, catalog, offer, variant, arm`);
  const dailyOfDays = db.prepare(`
    SELECT strftime('%Y-%m-%d', day / 1000, 'unixepoch') AS day, catalog, offer, variant, arm, reports, noisy_reports AS noisyReports, ${[...METRICS, ...VARIANCES].join(', ')}
    FROM daily_counters WHERE site = ? AND day >= ? AND day < ?
    ORDER BY day, catalog, offer, variant, arm`);
  // Sites from the daily totals, a 24th of the counters' rows at most: each delete is then a range of the primary key.
  const sites = db.prepare('SELECT DISTINCT site FROM daily_counters').pluck();
  const purgeCounters = db.prepare('DELETE FROM counters WHERE site = ? AND window_start < ?');
  const purgeDays = db.prepare('DELETE FROM daily_counters WHERE site = ? AND day < ?');
  const purgeWindows = db.transaction((before: number) => {
    let removed = 0;
    for (const site of sites.all() as string[]) {
      removed += purgeCounters.run(site, before).changes;
      purgeDays.run(site, before);
    }
    return removed;
  });
  // A counters row is one (window, version, offer, variant, arm) already: read as it is, in key order.
  const windows = db.prepare(`
    SELECT window_start AS windowStart, window_ms AS windowMs, catalog, offer, variant, arm, reports, noisy_reports AS noisyReports, ${[...METRICS, ...VARIANCES].join(', ')}
    FROM counters WHERE site = ? AND window_start >= ? AND window_start < ?
    ORDER BY window_start, window_ms, catalog, offer, variant, arm`);
  const purge = db.prepare('DELETE FROM report_ids WHERE received_at < ?');
  const addSession = db.prepare('INSERT OR REPLACE INTO dashboard_sessions (hash, expires_at) VALUES (?, ?)');
  const expireSessions = db.prepare('DELETE FROM dashboard_sessions WHERE expires_at <= ?');
  const findSession = db.prepare('SELECT 1 FROM dashboard_sessions WHERE hash = ? AND expires_at > ?').pluck();
  const dropSession = db.prepare('DELETE FROM dashboard_sessions WHERE hash = ?');
  const findCatalog = db.prepare('SELECT version, cells, arms, learning FROM catalogs WHERE site = ? AND version = ?');
  const newestCatalog = db.prepare('SELECT version, cells, arms, learning FROM catalogs WHERE site = ? ORDER BY registered_at DESC, version DESC LIMIT 1');
  const insertCatalog = db.prepare('INSERT OR IGNORE INTO catalogs (site, version, cells, arms, registered_at, learning) VALUES (?, ?, ?, ?, ?, ?)');
  const trimCatalogs = db.prepare(
    `DELETE FROM catalogs WHERE site = ? AND version NOT IN (SELECT version FROM catalogs WHERE site = ? ORDER BY registered_at DESC, version DESC LIMIT ${CATALOG_VERSIONS_KEPT})`,
  );
  type CatalogRow = { version: string; cells: string; arms: string; learning: string | null };
  const toShape = (site: string, row: CatalogRow | undefined): CatalogShape | undefined =>
    row && {
      site,
      version: row.version,
      cells: JSON.parse(row.cells) as [string, string][],
      arms: JSON.parse(row.arms) as Arm[],
      ...(row.learning ? { learning: JSON.parse(row.learning) as LearningShape } : {}),
    };
  const catalogShape = (site: string, version: string) => toShape(site, findCatalog.get(site, version) as CatalogRow | undefined);
  const register = db.transaction((shape: CatalogShape, at: number): Registration => {
    const kept = catalogShape(shape.site, shape.version);
    if (kept) return sameShape(kept, shape) ? 'known' : 'conflict';
    insertCatalog.run(shape.site, shape.version, JSON.stringify(shape.cells), JSON.stringify(shape.arms), at, shape.learning ? JSON.stringify(shape.learning) : null);
    trimCatalogs.run(shape.site, shape.site);
    return 'added';
  });
  const newestPriors = db.prepare('SELECT site, version, catalog, computed_at AS computedAt, document FROM priors WHERE site = ? ORDER BY computed_at DESC, version DESC LIMIT 1');
  const insertPriors = db.prepare('INSERT OR IGNORE INTO priors (site, version, catalog, computed_at, document) VALUES (?, ?, ?, ?, ?)');
  const trimPriors = db.prepare(`DELETE FROM priors WHERE site = ? AND version NOT IN (SELECT version FROM priors WHERE site = ? ORDER BY computed_at DESC, version DESC LIMIT ${PRIORS_KEPT})`);
  const latestPriors = (site: string) => newestPriors.get(site) as StoredPriors | undefined;
  const allPriors = db.prepare('SELECT site, version, catalog, computed_at AS computedAt, document FROM priors WHERE site = ? ORDER BY computed_at, version');
  const keepPriors = db.transaction((p: StoredPriors) => {
    insertPriors.run(p.site, p.version, p.catalog, p.computedAt, p.document);
    trimPriors.run(p.site, p.site);
  });
  const readWindows = (site: string, from: number, to: number): WindowRow[] => {
    folded();
    return (windows.all(site, ...range(from, to)) as (SumRow & { windowStart: number; windowMs: number })[]).map((r) => toStat(r) as WindowRow);
  };
  // One process owns a SQLite store: a queue per site is the lock.
  const renewing = new Map<string, Promise<unknown>>();
  // Bounds as integers (Infinity would bind as a REAL and compare oddly).
  const range = (from: number, to: number) => [windowBound(from), windowBound(to)] as const;

  return {
    registerCatalog: async (shape, at) => register(shape, at),
    catalogShape: async (site, version) => catalogShape(site, version),
    currentCatalog: async (site) => toShape(site, newestCatalog.get(site) as CatalogRow | undefined),
    latestPriors: async (site) => latestPriors(site),
    priorsHistory: async (site) => allPriors.all(site) as StoredPriors[],
    renewPriors(site, fresh, make) {
      const run = (renewing.get(site) ?? Promise.resolve()).then(async () => {
        const latest = latestPriors(site);
        if (fresh(latest)) return latest;
        const made = await make(async (from, to) => readWindows(site, from, to));
        if (made && db.open) keepPriors(made);
        return made;
      });
      renewing.set(
        site,
        run.catch(() => undefined),
      );
      return run;
    },
    commit: async (reports, receivedAt) => {
      const added = commit(reports, receivedAt);
      foldSoon();
      return added;
    },
    stats: async (site, from, to) => {
      folded();
      return ((wholeDays(from, to) ? statsOfDays : stats).all(site, ...range(from, to)) as SumRow[]).map(toStat);
    },
    daily: async (site, from, to) => {
      folded();
      return ((wholeDays(from, to) ? dailyOfDays : daily).all(site, ...range(from, to)) as (SumRow & { day: string })[]).map((r) => toStat(r) as DailyRow);
    },
    windows: async (site, from, to) => readWindows(site, from, to),
    purgeIds: async (before) => purge.run(before).changes,
    purgeWindows: async (before) => {
      folded();
      return purgeWindows.immediate(before - (before % DAY_MS));
    },
    startSession: async (hash, expiresAt, now) => {
      expireSessions.run(now);
      addSession.run(hash, expiresAt);
    },
    sessionActive: async (hash, now) => findSession.get(hash, now) !== undefined,
    endSession: async (hash) => void dropSession.run(hash),
    close: async () => {
      folded();
      db.close();
    },
  };
}
