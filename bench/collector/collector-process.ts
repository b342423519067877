import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, tail, type Child } from '../shared/children';
import type { Catalog } from '../../src/protocol/catalog';
import { REPORTS_PATH, type Report } from '../../src/protocol/report';

/* The collector under test: the real server (dist/server/main.mjs) as a child process, on SQLite or a PostgreSQL. */

/** A built server file beside this one (dist/server/). */
export const dist = (file: string) => fileURLToPath(new URL(file, import.meta.url));

function collectorEnv(data: string, catalogFile: string, databaseUrl?: string): NodeJS.ProcessEnv {
  // Only the settings below: a VITRINE_* variable of the shell running the bench changes nothing.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITRINE_')));
  return {
    ...inherited,
    PORT: '0',
    HOST: '127.0.0.1',
    VITRINE_DATA: data,
    VITRINE_TOKEN: 'bench-token-of-at-least-32-characters',
    VITRINE_RATE_PER_MINUTE: '1000000000',
    VITRINE_CATALOG: catalogFile,
    ...(databaseUrl ? { VITRINE_DATABASE_URL: databaseUrl } : {}),
  };
}

const COLLECTOR_URL = /Offer catalog: +http:\/\/localhost:(\d+)\/v1\/catalog/;

/** Writes a catalog file and starts a collector serving it (one catalog version per process). */
export async function startCollector(name: string, dir: string, bench: { file: object; catalog: Catalog }, databaseUrl?: string): Promise<Child> {
  const catalogFile = join(dir, `catalog-${bench.catalog.version}.json`);
  writeFileSync(catalogFile, JSON.stringify(bench.file));
  const data = mkdtempSync(join(dir, 'data-'));
  return startChild(name, dist('main.mjs'), collectorEnv(data, catalogFile, databaseUrl), COLLECTOR_URL, dir);
}

/** Sends one body with fetch and fails with the answer when it is not 202, before any timed run. */
export async function expectAccepted(child: Child, body: Buffer): Promise<void> {
  const report = body.toString();
  const res = await fetch(`${child.url}${REPORTS_PATH}`, { method: 'POST', body: report, headers: { 'Content-Type': 'text/plain' } });
  const text = await res.text();
  if (res.status !== 202) {
    throw new Error(
      `${child.name} refused a valid report of catalog ${(JSON.parse(report) as Report).catalog}: ${res.status} ${text}\n` +
        `  (the collector must know the catalog it serves from VITRINE_CATALOG; it registers it at start)\n${tail(child.log)}`,
    );
  }
}
