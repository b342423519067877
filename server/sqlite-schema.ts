import { METRICS } from '../src/protocol/report';
import { VARIANCES } from './counter-columns';
import { DAY_MS } from '../src/protocol/time';

/* The SQLite store's schema, step by step (sqlite.ts applies it). */
/** Schema steps: `MIGRATIONS[n]` takes a database at version n to n + 1 (PRAGMA user_version). */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE counters (
     site TEXT NOT NULL, window_start INTEGER NOT NULL, window_ms INTEGER NOT NULL, catalog TEXT NOT NULL,
     offer TEXT NOT NULL, variant TEXT NOT NULL, arm TEXT NOT NULL,
     reports INTEGER NOT NULL, impressions INTEGER NOT NULL, clicks INTEGER NOT NULL, dismissals INTEGER NOT NULL,
     conversions INTEGER NOT NULL, revenue INTEGER NOT NULL,
     PRIMARY KEY (site, window_start, window_ms, catalog, offer, variant, arm)
   ) WITHOUT ROWID;
   CREATE TABLE report_ids (id TEXT PRIMARY KEY, received_at INTEGER NOT NULL) WITHOUT ROWID;
   CREATE INDEX report_ids_received ON report_ids (received_at);`,
  // 1 → 2: what local noise adds to each counter, so totals come with confidence intervals.
  `ALTER TABLE counters ADD COLUMN noisy_reports INTEGER NOT NULL DEFAULT 0;
   ${VARIANCES.map((v) => `ALTER TABLE counters ADD COLUMN ${v} REAL NOT NULL DEFAULT 0;`).join('\n   ')}`,
  // 2 → 3: the shape of every catalog version, so a report is checked against what was published.
  `CREATE TABLE catalogs (
     site TEXT NOT NULL, version TEXT NOT NULL, cells TEXT NOT NULL, arms TEXT NOT NULL, registered_at INTEGER NOT NULL,
     PRIMARY KEY (site, version)
   ) WITHOUT ROWID;`,
  // 3 → 4: what a flush adds waits here as packed runs, folded into counters in the background.
  `CREATE TABLE pending_runs (
     seq INTEGER PRIMARY KEY, site TEXT NOT NULL, window_start INTEGER NOT NULL, window_ms INTEGER NOT NULL,
     catalog TEXT NOT NULL, arm TEXT NOT NULL, cells TEXT NOT NULL,
     reports INTEGER NOT NULL, noisy_reports INTEGER NOT NULL, variance TEXT NOT NULL, sums BLOB NOT NULL
   );`,
  // 4 → 5: what the priors need of a catalog that learns, and the priors documents published.
  `ALTER TABLE catalogs ADD COLUMN learning TEXT;
   CREATE TABLE priors (
     site TEXT NOT NULL, version TEXT NOT NULL, catalog TEXT NOT NULL, computed_at INTEGER NOT NULL, document TEXT NOT NULL,
     PRIMARY KEY (site, version)
   ) WITHOUT ROWID;
   CREATE INDEX priors_newest ON priors (site, computed_at);`,
  // 5 → 6: the dashboard's sign-ins, by the hash of their id, so a sign-out ends one on every
  // collector; and the counters summed per UTC day, so reading a range of days costs the same
  // however many windows a day holds.
  `CREATE TABLE dashboard_sessions (hash TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
   CREATE TABLE daily_counters (
     site TEXT NOT NULL, day INTEGER NOT NULL, catalog TEXT NOT NULL, offer TEXT NOT NULL, variant TEXT NOT NULL, arm TEXT NOT NULL,
     reports INTEGER NOT NULL, noisy_reports INTEGER NOT NULL,
     ${METRICS.map((m) => `${m} INTEGER NOT NULL`).join(', ')}, ${VARIANCES.map((v) => `${v} REAL NOT NULL`).join(', ')},
     PRIMARY KEY (site, day, catalog, offer, variant, arm)
   ) WITHOUT ROWID;
   INSERT INTO daily_counters
     SELECT site, window_start - window_start % ${DAY_MS}, catalog, offer, variant, arm, SUM(reports), SUM(noisy_reports),
       ${[...METRICS, ...VARIANCES].map((m) => `SUM(${m})`).join(', ')}
     FROM counters GROUP BY 1, 2, 3, 4, 5, 6;`,
];
