/**
 * Part of `npm run bench`: collector ingest on loopback, against a baseline measured in the
 * same run. The collector is the real server (dist/server/main.mjs); the baseline is a bare
 * hono handler that only reads and parses the same bodies (dist/server/bare-collector.mjs),
 * once with hono's `c.req.text()` (the baseline the aim is set against) and once reading the
 * body as the collector does, straight from the Node request (what is left is the collector's
 * own work: validation, the shape check, merging and the commit).
 * Both are child processes; the load comes from autocannon in this process, with the same
 * options for both, alternating between them so that drift hits both alike. A run with any
 * answer other than 202 or any connection error is reported as failed, never averaged.
 *
 * SQLite: reports of 20 and 200 cells, reports/s, p50 and p99, and the ratio to the bare
 * handler. PostgreSQL (a throwaway server, tools/postgres.ts): reports/s with one collector
 * process and with two sharing the database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgres } from '../../tools/postgres';
import { cpuSeconds, peakRss, startChild, stopChild, stopChildren, tail, type Child } from '../shared/children';
import { load, type Run } from '../shared/load';
import { benchCatalog, reportBodies } from '../shared/report-bodies';
import { baselineOf, figure, medianOf, packageVersion, saveArea, type Figure } from '../shared/results';
import { header, ok, ratios, row, spread } from './table';
import { dist, expectAccepted, startCollector } from './collector-process';
import { REPORTS_PATH } from '../../src/protocol/report';

const CONNECTIONS = 16;
const REPETITIONS = 3;
const SECONDS = 8;
const WARM_UP_SECONDS = 2;
/** Runs against the route that does not read the body: only to show the load generator's reach. */
const REACH_SECONDS = 3;
/** The bare server's route that reads the body as the collector does (bench/collector/bare-collector.ts). */
const DIRECT = '/direct';
/** The bare server's route that answers 204 without reading the body (bench/collector/bare-collector.ts). */
const SINK = '/sink';
const POSTGRES_CELLS = 20;
const POSTGRES_SECONDS = 5;
/** Fewer concurrent senders than CONNECTIONS, to see how the rates change from 1 to 16 (20 cells). */
const FEW_SENDERS = [1, 4];
const SWEEP_SECONDS = 4;
/** The collector's aim, from the issue: at least this share of the bare handler's reports/s. */
const AIM = 0.8;
const failures: string[] = [];
/** What bench/shared/write-results.ts shows as area 5. */
const figures: Figure[] = [];

/** Runs the load and records a failure under `label`, with the server's last log lines. */
async function measured(label: string, servers: Child[], path: string, next: () => Buffer, seconds: number, connections = CONNECTIONS): Promise<Run> {
  const serverCpu = () => servers.reduce((sum, s) => sum + cpuSeconds(s), 0);
  const [server0, generator0, started] = [serverCpu(), process.cpuUsage(), performance.now()];
  const run = await load(
    servers.map((s) => s.url),
    path,
    next,
    seconds,
    connections,
    path === SINK ? '204' : '202',
  );
  const generator = process.cpuUsage(generator0);
  run.serverCpu = ((serverCpu() - server0) * 1e6) / run.answers;
  run.generatorCpu = (generator.user + generator.system) / 1e3 / (performance.now() - started);
  if (run.failure) {
    failures.push(`${label}: ${run.failure}`);
    console.log(`  FAILED ${label}: ${run.failure}\n${servers.map((s) => `  last lines of ${s.name}:\n${tail(s.log)}`).join('\n')}`);
  }
  return run;
}

/**
 * Keeps reports/s and p99 of `runs` for the report, each against the same figure of the
 * baseline's runs (measured alternating with them in this run).
 */
function record(name: string, runs: Run[], baseline: { name: string; runs: Run[] }): void {
  const [good, base] = [ok(runs), ok(baseline.runs)];
  if (good.length === 0 || base.length === 0) return;
  const rate = (rs: Run[]) => rs.map((r) => r.perSecond);
  const p99 = (rs: Run[]) => rs.map((r) => r.p99);
  figures.push(figure(`${name}: reports/s`, 'reports/s', rate(good), baselineOf(baseline.name, rate(base))));
  figures.push(figure(`${name}: p99`, 'ms', p99(good), baselineOf(baseline.name, p99(base))));
}

/** The bare handler and the collector with fewer concurrent senders, alternating as above. */
async function fewSenders(bare: Child, collector: Child, next: () => Buffer, cells: number): Promise<void> {
  console.log(`  ${cells} cells with fewer senders, ${SWEEP_SECONDS} s per run:`);
  for (const senders of FEW_SENDERS) {
    const runs = { bare: [] as Run[], collector: [] as Run[] };
    for (let i = 1; i <= REPETITIONS; i++) {
      runs.bare.push(await measured(`bare handler, ${cells} cells, ${senders} senders, repetition ${i}`, [bare], REPORTS_PATH, next, SWEEP_SECONDS, senders));
      runs.collector.push(await measured(`collector, ${cells} cells, ${senders} senders, repetition ${i}`, [collector], REPORTS_PATH, next, SWEEP_SECONDS, senders));
    }
    const toBare = ratios(runs.collector, runs.bare);
    console.log(row(`${senders} senders, bare`, runs.bare));
    console.log(row(`${senders} senders, collector`, runs.collector, spread(toBare, 2)));
    const bareBase = { name: `bare handler, ${cells} cells, ${senders} senders`, runs: runs.bare };
    record(`bare handler, ${cells} cells, ${senders} senders`, runs.bare, bareBase);
    record(`collector on SQLite, ${cells} cells, ${senders} senders`, runs.collector, bareBase);
  }
}

async function sqlite(dir: string, bare: Child): Promise<string[]> {
  const rss: string[] = [];
  console.log(`\n${header('SQLite store', 'reports/s × bare handler')}`);
  for (const cells of [20, 200]) {
    const bench = benchCatalog(cells);
    const collector = await startCollector(`collector ${cells} cells`, dir, bench);
    const next = reportBodies(bench.catalog);
    await expectAccepted(bare, next());
    await expectAccepted(collector, next());
    await measured(`warm-up, bare handler, ${cells} cells`, [bare], REPORTS_PATH, next, WARM_UP_SECONDS);
    await measured(`warm-up, collector, ${cells} cells`, [collector], REPORTS_PATH, next, WARM_UP_SECONDS);
    const runs = { bare: [] as Run[], direct: [] as Run[], reach: [] as Run[], collector: [] as Run[] };
    for (let i = 1; i <= REPETITIONS; i++) {
      runs.bare.push(await measured(`bare handler, ${cells} cells, repetition ${i}`, [bare], REPORTS_PATH, next, SECONDS));
      runs.direct.push(await measured(`bare handler reading as the collector, ${cells} cells, repetition ${i}`, [bare], DIRECT, next, SECONDS));
      runs.reach.push(await measured(`load generator's reach, ${cells} cells, repetition ${i}`, [bare], SINK, next, REACH_SECONDS));
      runs.collector.push(await measured(`collector, ${cells} cells, repetition ${i}`, [collector], REPORTS_PATH, next, SECONDS));
    }
    const toBare = ratios(runs.collector, runs.bare);
    const toDirect = ratios(runs.collector, runs.direct);
    const bareToReach = ratios(runs.bare, runs.reach);
    console.log(row(`${cells} cells, bare`, runs.bare));
    console.log(row(`${cells} cells, bare, Node read`, runs.direct));
    console.log(
      row(`${cells} cells, collector`, runs.collector, `${spread(toBare, 2)}${toBare.length ? (medianOf(toBare) >= AIM ? `  (aim ≥ ${AIM}: met)` : `  (aim ≥ ${AIM}: NOT met)`) : ''}`) +
        `; × bare with the Node read: ${spread(toDirect, 2)}`,
    );
    const capped = bareToReach.length && medianOf(bareToReach) > AIM ? ': close to it, so the load generator may cap the figures above' : '';
    const generator = (rs: Run[]) => `${(Math.max(...rs.map((r) => r.generatorCpu)) * 100).toFixed(0)}%`;
    console.log(
      `  ${`${cells} cells, load reach`.padEnd(24)} ${spread(
        ok(runs.reach).map((r) => r.perSecond),
        0,
      ).padEnd(20)} bodies sent to a route that does not read them; ` +
        `the bare handler runs at ${spread(bareToReach, 2)} of it${capped}; ` +
        `autocannon's process used at most ${generator(runs.bare)} of a core in the bare handler's runs, ${generator(runs.reach)} in these`,
    );
    const bareBase = { name: `bare handler, ${cells} cells, ${CONNECTIONS} senders`, runs: runs.bare };
    record(`bare handler, ${cells} cells, ${CONNECTIONS} senders`, runs.bare, bareBase);
    record(`bare handler reading the body as the collector does, ${cells} cells, ${CONNECTIONS} senders`, runs.direct, bareBase);
    record(`collector on SQLite, ${cells} cells, ${CONNECTIONS} senders`, runs.collector, bareBase);
    record(`collector on SQLite, ${cells} cells, ${CONNECTIONS} senders, against the same read`, runs.collector, {
      name: `bare handler reading the body as the collector does, ${cells} cells`,
      runs: runs.direct,
    });
    if (cells === POSTGRES_CELLS) await fewSenders(bare, collector, next, cells);
    rss.push(`collector ${cells} cells ${peakRss(collector)}`);
    await stopChild(collector);
  }
  return rss;
}

/** Whether the collector made its tables in PostgreSQL (and so is not quietly on SQLite). */
async function postgresTables(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

async function postgres(dir: string): Promise<string[]> {
  const server = await startPostgres();
  const started: Child[] = [];
  try {
    const bench = benchCatalog(POSTGRES_CELLS);
    // One after the other, so the second finds the catalog version the first registered.
    const one = await startCollector('collector A on PostgreSQL', dir, bench, server.url);
    started.push(one);
    const two = await startCollector('collector B on PostgreSQL', dir, bench, server.url);
    started.push(two);
    const next = reportBodies(bench.catalog);
    await expectAccepted(one, next());
    await expectAccepted(two, next());
    if ((await postgresTables(server.url)) === 0) {
      throw new Error('the collector accepted reports but made no tables in PostgreSQL: does server/main.ts read VITRINE_DATABASE_URL?');
    }
    console.log(`\n  PostgreSQL store, ${POSTGRES_CELLS} cells, ${POSTGRES_SECONDS} s per run, ${REPETITIONS} repetitions alternating; two processes share the senders`);
    console.log(header('collector processes', 'reports/s × one process'));
    await measured('warm-up, PostgreSQL', [one, two], REPORTS_PATH, next, WARM_UP_SECONDS);
    // Two processes need two senders at least: one connection would reach only one of them.
    for (const senders of [...FEW_SENDERS.filter((n) => n > 1), CONNECTIONS]) {
      const runs = { one: [] as Run[], two: [] as Run[] };
      for (let i = 1; i <= REPETITIONS; i++) {
        runs.one.push(await measured(`one process on PostgreSQL, ${senders} senders, repetition ${i}`, [one], REPORTS_PATH, next, POSTGRES_SECONDS, senders));
        runs.two.push(await measured(`two processes on PostgreSQL, ${senders} senders, repetition ${i}`, [one, two], REPORTS_PATH, next, POSTGRES_SECONDS, senders));
      }
      console.log(row(`1, ${senders} senders`, runs.one));
      console.log(row(`2, ${senders} senders`, runs.two, spread(ratios(runs.two, runs.one), 2)));
      const oneBase = { name: `one collector on PostgreSQL, ${POSTGRES_CELLS} cells, ${senders} senders`, runs: runs.one };
      record(`one collector on PostgreSQL, ${POSTGRES_CELLS} cells, ${senders} senders`, runs.one, oneBase);
      record(`two collectors on PostgreSQL, ${POSTGRES_CELLS} cells, ${senders} senders`, runs.two, oneBase);
    }
    return [`collectors on PostgreSQL ${peakRss(one)} and ${peakRss(two)}`];
  } finally {
    // The collectors go first, so none sees its database vanish.
    await Promise.all(started.map(stopChild));
    await server.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'vitrine-ingest-'));
try {
  console.log(
    `Collector ingest on loopback (POST /v1/reports): autocannon in this process, ${CONNECTIONS} connections, ${SECONDS} s per run after a ${WARM_UP_SECONDS} s warm-up,\n` +
      `${REPETITIONS} repetitions alternating the bare handler (reads the body with hono's c.req.text() and parses it), the same reading the body straight\n` +
      `from the Node request as the collector does ("Node read"), and the collector. Figures: median (min–max) over repetitions.`,
  );
  const bare = await startChild('bare handler', dist('bare-collector.mjs'), { ...process.env, PORT: '0' }, /^http:\/\/127\.0\.0\.1:(\d+)$/m, dir);
  const rss = await sqlite(dir, bare);
  rss.push(...(await postgres(dir)));
  console.log(`\n  peak RSS (VmHWM): bare handler ${peakRss(bare)}; ${rss.join('; ')}`);
  saveArea({
    id: '5-collector',
    title: 'Collector',
    about:
      `Reports ingested on loopback (POST /v1/reports), load from autocannon in the bench's process; ${REPETITIONS} repetitions of ${SECONDS} s (${SWEEP_SECONDS} s with fewer senders, ${POSTGRES_SECONDS} s on PostgreSQL), alternating with their baseline. ` +
      'Baseline of the SQLite collector: a bare hono handler that only reads the same bodies (c.req.text()) and parses them; a second row compares it with the bare handler reading the body as the collector does. Baseline of two PostgreSQL collectors: one. ' +
      `The issue's aim is 0.8× the bare handler on SQLite.`,
    figures,
    versions: { autocannon: packageVersion('autocannon'), 'better-sqlite3': packageVersion('better-sqlite3'), pg: packageVersion('pg'), hono: packageVersion('hono') },
  });
} catch (error) {
  console.error(`\nIngest bench stopped: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await stopChildren();
  rmSync(dir, { recursive: true, force: true });
}
if (failures.length) {
  console.error(`\n${failures.length} runs failed; their figures are left out of the medians above:\n${failures.map((f) => `  ${f}`).join('\n')}`);
  process.exitCode = 1;
}
