/**
 * Part of `npm run bench`: what a dashboard view costs when the store holds a year of hourly
 * windows on 200 cells (1.75 million counter rows), against baselines from the same run: the
 * same view of a store that holds only the days shown, and the same totals summed from the
 * windows themselves (what every view cost before the daily totals). Real SQLite store in a
 * temporary folder, the real dashboard through `app.request()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { createSqliteStore } from '../../server/sqlite';
import { createDashboard } from '../../server/dashboard';
import { createAuth } from '../../server/collector/auth';
import { createSessions, secureCookies } from '../../server/dashboard/session';
import type { CounterStore } from '../../server/store';
import type { Report, ReportCell } from '../../src/protocol/report';
import { baselineOf, figure, saveArea, type Figure } from '../shared/results';
import { HOUR_MS } from '../../src/protocol/time';

const DAY = 24 * HOUR_MS;
const SITE = 'bench-shop';
const VERSION = '2026-01-01.1';
const TOKEN = 'bench-dashboard-token-of-32-chars';
/** 100 offers with a default and one variant: 200 cells. */
const CELLS: [string, string][] = Array.from(
  { length: 100 },
  (_, i) =>
    [
      [`offer-${i}`, 'default'],
      [`offer-${i}`, 'b'],
    ] as [string, string][],
).flat();
const SHOWN_DAYS = 28;
const REPS = 7;
const END = Math.floor(Date.now() / DAY) * DAY;

/** A store in a folder of its own holding `days` days of hourly windows up to today, every cell in every window. */
async function storeOf(days: number): Promise<{ store: CounterStore; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-dashboard-bench-'));
  const store = createSqliteStore(dir);
  await store.registerCatalog({ site: SITE, version: VERSION, cells: CELLS, arms: ['personalized'] }, END - days * DAY);
  let id = 0;
  for (let day = days; day > 0; day -= 10) {
    const batch: Report[] = [];
    for (let h = 0; h < Math.min(10, day) * 24; h++) {
      const windowStart = END - day * DAY + h * HOUR_MS;
      const cells: ReportCell[] = CELLS.map(([offer, variant], c) => ({
        offer,
        variant,
        arm: 'personalized',
        impressions: 20 + (c % 7),
        clicks: c % 3,
        dismissals: 0,
        conversions: c % 11 === 0 ? 1 : 0,
        revenue: 0,
      }));
      batch.push({
        v: 1,
        id: (id++).toString(16).padStart(32, '0'),
        site: SITE,
        windowStart: new Date(windowStart).toISOString(),
        windowMs: HOUR_MS,
        catalog: VERSION,
        noise: { mechanism: 'none' },
        cells,
      });
    }
    await store.commit(batch, END);
  }
  await store.stats(SITE, 0, Infinity); // folds what waits
  return { store, dir };
}

/** The milliseconds of each of REPS runs of `work`, after one warm-up run. */
async function timed(work: () => Promise<unknown>): Promise<number[]> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times;
}

function dashboardOf(store: CounterStore): (query: string) => Promise<void> {
  const auth = createAuth(TOKEN);
  const app = new Hono().route('/dashboard', createDashboard({ store, auth, k: 1, sessions: createSessions({ store, token: TOKEN, secure: secureCookies(undefined) }) }));
  return async (query) => {
    const res = await app.request(`/dashboard?site=${SITE}${query}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    if (res.status !== 200) throw new Error(`the dashboard answered ${res.status}`);
    await res.text();
  };
}

async function main(): Promise<void> {
  console.log(`A dashboard view against a year of hourly windows on ${CELLS.length} cells`);
  const started = performance.now();
  const year = await storeOf(365);
  const shown = await storeOf(SHOWN_DAYS);
  console.log(`  stores filled in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const figures: Figure[] = [];
  try {
    const lastDays = `&from=${new Date(END - SHOWN_DAYS * DAY).toISOString().slice(0, 10)}`;
    const base = baselineOf(`the same view, store holding only those ${SHOWN_DAYS} days (${SHOWN_DAYS * 24} windows)`, await timed(() => dashboardOf(shown.store)(lastDays)));
    figures.push(figure(`dashboard view of the last ${SHOWN_DAYS} days, store holding a year (8,760 windows)`, 'ms', await timed(() => dashboardOf(year.store)(lastDays)), base));
    const fromWindows = baselineOf(
      'the same totals summed from the hourly windows (the query before the daily totals)',
      await timed(() => Promise.all([year.store.stats(SITE, 1, 8.64e15 - 1), year.store.daily(SITE, 1, 8.64e15 - 1)])),
    );
    figures.push(
      figure("a year's totals and daily rows, from the daily totals", 'ms', await timed(() => Promise.all([year.store.stats(SITE, 0, Infinity), year.store.daily(SITE, 0, Infinity)])), fromWindows),
    );
    figures.push(figure('dashboard view of the whole year, store holding a year', 'ms', await timed(() => dashboardOf(year.store)('')), fromWindows));
  } finally {
    for (const { store, dir } of [year, shown]) {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const f of figures) console.log(`  ${f.name}: ${f.median.toFixed(1)} ms (${f.ratio.toFixed(2)}× ${f.baseline.name}: ${f.baseline.median.toFixed(1)} ms)`);
  saveArea({
    id: '8-dashboard',
    title: 'Dashboard against a year of windows',
    about:
      `A dashboard view (the real page, through app.request) and the store's queries, on SQLite, with a year of hourly windows on ${CELLS.length} cells in the store ` +
      `(1.75 million counter rows). Median of ${REPS} runs after a warm-up. A view reads the daily totals, so its cost follows the days shown, not the windows held.`,
    figures,
    versions: {},
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
