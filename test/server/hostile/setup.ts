import { afterEach } from 'vitest';
import { createServer, type Server } from '../../../server/app';
import type { CollectorOptions } from '../../../server/collector';
import { createSqliteStore } from '../../../server/sqlite';
import type { CounterStore } from '../../../server/store';
import type { Report } from '../../../src/protocol/report';
import { reportCell, report as aReport } from '../../fixtures/report';

/** The token of every hostile test's collector: as long as a start requires. */
export const TOKEN = 'hostile-suite-token-of-32-chars!';
export const SITE = 'hostile-shop';
export const VERSION = '2026-12-01.1';

/** A small catalog: two offers, one with a variant. */
export function catalog(patch: Record<string, unknown> = {}) {
  return {
    version: VERSION,
    siteId: SITE,
    offers: [
      { id: 'trail-10', slot: 'home-hero', content: { title: 'Trail' }, variants: [{ id: 'b', weight: 50, content: { title: 'Trail b' } }] },
      { id: 'road-15', slot: 'home-hero', content: { title: 'Road' } },
    ],
    ...patch,
  };
}

/** A valid report of yesterday's day window (UTC): two impressions and a click in each cell, unless `patch` says otherwise. */
export function report(patch: Partial<Report> = {}): Report {
  const cells = (
    [
      ['trail-10', 'default'],
      ['trail-10', 'b'],
      ['road-15', 'default'],
    ] as const
  ).map(([offer, variant]) => reportCell(offer, variant, 'personalized', { impressions: 2, clicks: 1 }));
  return aReport({ site: SITE, catalog: VERSION, cells, ...patch });
}

const opened: { server: Server; store: CounterStore }[] = [];
afterEach(async () => {
  for (const { server, store } of opened.splice(0)) {
    await server.close();
    await store.close();
  }
});

/**
 * The real server on an in-memory SQLite store, with the token, the hostile shop's catalog
 * registered, and the settings a test gives.
 */
export async function hostileServer(collector: Partial<CollectorOptions> = {}, demo = false) {
  const store = collector.store ?? createSqliteStore(':memory:');
  const log: string[] = [];
  const server = createServer({ root: process.cwd(), demo, log: (l) => log.push(l), collector: { token: TOKEN, k: 1, perMinute: 1_000_000, ...collector, store } });
  opened.push({ server, store });
  await server.ready;
  const { app } = server;
  const registered = await app.request('/v1/catalogs', { method: 'POST', body: JSON.stringify(catalog()), headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' } });
  if (registered.status !== 201) throw new Error(`the hostile shop's catalog was not registered: ${registered.status} ${await registered.text()}`);
  const post = (body: unknown) => app.request('/v1/reports', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { app, store, log, server, post };
}
