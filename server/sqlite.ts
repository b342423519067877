import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRIBUTION_BOUNDS, METRICS, type Metric, type Report } from '../src/protocol/report';
import { noiseVariance } from '../src/protocol/noise';
import type { CounterStore, StatRow } from './store';

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
   ${METRICS.map((m) => `ALTER TABLE counters ADD COLUMN var_${m} REAL NOT NULL DEFAULT 0;`).join('\n   ')}`,
];

/**
 * The embedded store: SQLite in `dir/collector.db`, WAL, created on first start and migrated
 * on every start.
 * @param dir the data folder (created if missing), or `:memory:`
 */
export function createSqliteStore(dir: string): CounterStore {
  const file = dir === ':memory:' ? dir : (mkdirSync(dir, { recursive: true }), join(dir, 'collector.db'));
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    db.close();
    throw new Error(`${file} has schema version ${version}, newer than this collector's ${MIGRATIONS.length}`);
  }
  db.transaction(() => {
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();

  const seen = db.prepare('INSERT OR IGNORE INTO report_ids (id, received_at) VALUES (?, ?)');
  const variances = METRICS.map((m) => `var_${m}`);
  const add = db.prepare(`
    INSERT INTO counters (site, window_start, window_ms, catalog, offer, variant, arm, reports, noisy_reports, ${METRICS.join(', ')}, ${variances.join(', ')})
    VALUES (@site, @windowStart, @windowMs, @catalog, @offer, @variant, @arm, 1, @noisy, ${METRICS.map((m) => `@${m}`).join(', ')}, ${variances.map((v) => `@${v}`).join(', ')})
    ON CONFLICT DO UPDATE SET reports = reports + 1, noisy_reports = noisy_reports + excluded.noisy_reports,
      ${[...METRICS, ...variances].map((m) => `${m} = ${m} + excluded.${m}`).join(', ')}`);
  const ingest = db.transaction((report: Report, receivedAt: number) => {
    if (seen.run(report.id, receivedAt).changes === 0) return false;
    const windowStart = Date.parse(report.windowStart);
    const { noise } = report;
    const variance = Object.fromEntries(
      METRICS.map((m) => [`var_${m}`, noise.mechanism === 'geometric' ? noiseVariance(noise.epsilon, CONTRIBUTION_BOUNDS[m]) : 0]),
    );
    for (const cell of report.cells) {
      add.run({ site: report.site, windowStart, windowMs: report.windowMs, catalog: report.catalog, noisy: noise.mechanism === 'none' ? 0 : 1, ...variance, ...cell });
    }
    return true;
  });
  const stats = db.prepare(`
    SELECT catalog, offer, variant, arm, SUM(reports) AS reports, SUM(noisy_reports) AS noisyReports,
      ${[...METRICS, ...variances].map((m) => `SUM(${m}) AS ${m}`).join(', ')}
    FROM counters WHERE site = ? AND window_start >= ? AND window_start < ?
    GROUP BY catalog, offer, variant, arm ORDER BY catalog, offer, variant, arm`);
  type Row = Omit<StatRow, 'variance'> & Record<`var_${Metric}`, number>;
  const toStat = ({ var_impressions, var_clicks, var_dismissals, var_conversions, var_revenue, ...row }: Row): StatRow => ({
    ...row,
    variance: { impressions: var_impressions, clicks: var_clicks, dismissals: var_dismissals, conversions: var_conversions, revenue: var_revenue },
  });
  const purge = db.prepare('DELETE FROM report_ids WHERE received_at < ?');

  return {
    ingest: (report, receivedAt) => ingest(report, receivedAt),
    stats: (site, from, to) => (stats.all(site, from, to) as Row[]).map(toStat),
    purgeIds: (before) => purge.run(before).changes,
    close: () => db.close(),
  };
}
