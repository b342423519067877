import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRICS, reportDomain, type Report } from '../../src/protocol/report';
import { demoCatalog, demoReport } from '../fixtures/demo-report';
import type { StatRow } from '../../server/store';
import { createDatabase } from '../../tools/postgres';
import pg from 'pg';
import { emptyStat } from '../../server/counter-columns';

const MAIN = join(process.cwd(), 'dist/server/main.mjs');
const TOKEN = 'collectors-test-token-of-32-chars';
const READY = /^Offer catalog: +(http:\/\/localhost:\d+)\/v1\/catalog$/m;

interface Collector {
  process: ChildProcess;
  base: string;
}

/**
 * Starts `node dist/server/main.mjs` on a free port against the shared database, as a
 * deployment runs several stateless collectors behind a load balancer.
 * @returns the process and its base URL, once it prints that it listens
 */
function startCollector(databaseUrl: string, dataDir: string): Promise<Collector> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      VITRINE_DATABASE_URL: databaseUrl,
      // Unused with a database URL; set so a mistake could not write into the checkout.
      VITRINE_DATA: dataDir,
      VITRINE_TOKEN: TOKEN,
      VITRINE_K: '1',
      VITRINE_RATE_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  collectors.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const ready = READY.exec(out);
      // The server listens on 127.0.0.1 (HOST); asking that address avoids localhost resolving to ::1.
      if (ready) resolve({ process: child, base: ready[1]!.replace('localhost', '127.0.0.1') });
    });
    child.once('exit', (code, signal) => reject(new Error(`collector exited (${code ?? signal}) before listening:\n${err || out}`)));
  });
}

const collectors: ChildProcess[] = [];
const dirs: string[] = [];
let a: Collector;
let b: Collector;
let databaseUrl: string;

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the server first (npx rollup -c --silent)`);
  databaseUrl = await createDatabase(inject('postgresUrl'));
  const dataDir = mkdtempSync(join(tmpdir(), 'vitrine-collectors-'));
  dirs.push(dataDir);
  // Both at once: they migrate the empty database and register the demo catalog together.
  [a, b] = await Promise.all([startCollector(databaseUrl, dataDir), startCollector(databaseUrl, dataDir)]);
});

afterAll(async () => {
  await Promise.all(
    collectors.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const catalog = demoCatalog;
const report = demoReport;

async function send(collector: Collector, r: Report): Promise<{ status: number; body: { accepted?: boolean; duplicate?: boolean; error?: string } }> {
  const answer = await fetch(`${collector.base}/v1/reports`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(r) });
  return { status: answer.status, body: await answer.json() };
}

async function stats(collector: Collector): Promise<{ cells: StatRow[] }> {
  const answer = await fetch(`${collector.base}/v1/stats?site=${catalog.siteId}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(answer.status).toBe(200);
  return answer.json();
}

/** The totals the reports make, summed one by one, in the stores' order (catalog, offer, variant, arm). */
function totals(reports: readonly Report[]): StatRow[] {
  const rows = new Map<string, StatRow>();
  for (const r of reports) {
    for (const c of r.cells) {
      const key = [r.catalog, c.offer, c.variant, c.arm].join('\u0000');
      const row = rows.get(key) ?? emptyStat(r.catalog, c.offer, c.variant, c.arm);
      rows.set(key, row);
      row.reports += 1;
      for (const m of METRICS) row[m] += c[m];
    }
  }
  return [...rows.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, row]) => row);
}

describe('two collector processes sharing one PostgreSQL', () => {
  it('count every report once, whichever collector got it and however often', async () => {
    const reports = Array.from({ length: 90 }, (_, i) => report(i));
    // Every report to one collector in turn, and a third of them to the other one as well, all at once.
    const sends = reports.flatMap((r, i) => {
      const [first, second] = i % 2 ? [a, b] : [b, a];
      return i % 3 === 0 ? [send(first, r), send(second, r)] : [send(first, r)];
    });
    const answers = await Promise.all(sends);
    expect(answers.filter((x) => x.status !== 202)).toEqual([]);
    expect(answers.filter((x) => !x.body.duplicate)).toHaveLength(reports.length);
    expect(answers.filter((x) => x.body.duplicate)).toHaveLength(reports.length / 3);

    const [fromA, fromB] = await Promise.all([stats(a), stats(b)]);
    expect(fromA).toEqual(fromB);
    expect(fromA.cells).toEqual(totals(reports));
    expect(fromA.cells.reduce((s, c) => s + c.reports, 0)).toBe(reports.length * reportDomain(catalog).length);
  });

  it('counts a report sent again later to the other collector once', async () => {
    const r = report(1);
    expect(await send(a, r)).toEqual({ status: 202, body: { accepted: true, duplicate: false } });
    expect(await send(b, r)).toEqual({ status: 202, body: { accepted: true, duplicate: true } });
    expect(await send(a, r)).toEqual({ status: 202, body: { accepted: true, duplicate: true } });
  });

  it('compute each priors version once and serve the same signed document, whichever is asked', async () => {
    const priorsOf = async (c: Collector) => {
      const answer = await fetch(`${c.base}/v1/priors?site=${catalog.siteId}`);
      expect(answer.status).toBe(200);
      return answer.text();
    };
    const hour = () => Math.floor(Date.now() / 3_600_000);
    const startedIn = hour();
    // Both asked at once, twice each: one of them computes the period's version, the other waits and serves it.
    const bodies = await Promise.all([a, b, a, b].map(priorsOf));
    expect(new Set(bodies).size).toBe(1);
    const made = await fetch(`${a.base}/v1/priors?site=${catalog.siteId}`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(made.status).toBe(201);
    const { version } = (await made.json()) as { version: string };
    const fromB = JSON.parse(await priorsOf(b)) as { signed: string };
    expect((JSON.parse(fromB.signed) as { version: string }).version).toBe(version);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM priors');
      // The period's version and the one asked for (and a scheduled one if an hour began meanwhile).
      expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(2);
      expect(Number(rows[0]!.n)).toBeLessThanOrEqual(hour() === startedIn ? 2 : 3);
    } finally {
      await client.end();
    }
  });
});
