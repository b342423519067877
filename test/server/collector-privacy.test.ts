// Tests of the collector's promises (contribution bounds, the k threshold, counting a report
// id once), each written to fail when the code that keeps it breaks: every one was checked
// against a deliberately planted bug. Through app.request(), without a port.
import { afterEach, describe, expect, it } from 'vitest';
import { createCollector, type Collector } from '../../server/collector';
import { createSqliteStore } from '../../server/sqlite';
import type { CounterStore } from '../../server/store';
import { CONTRIBUTION_BOUNDS, METRICS, type Metric, type Report } from '../../src/protocol/report';
import { reportCell, report as aReport } from '../fixtures/report';

const DAY = 86_400_000;
const VERSION = '2026-11-22.1';
const TOKEN = 'secret';
const CATALOG = {
  version: VERSION,
  siteId: 'demo-shop',
  offers: [
    { id: 'trail-10', slot: 'home-hero', content: { title: 'Trail' } },
    { id: 'road-15', slot: 'home-hero', content: { title: 'Road' } },
  ],
};

/** A report of yesterday: `counts` in trail-10's cell, zero in road-15's. */
function report(counts: Partial<Record<Metric, number>> = { impressions: 3, clicks: 1 }, patch: Partial<Report> = {}): Report {
  return aReport({ catalog: VERSION, cells: CATALOG.offers.map((o, i) => reportCell(o.id, 'default', 'personalized', i === 0 ? counts : {})), ...patch });
}

const running: { collector: Collector; store: CounterStore }[] = [];
afterEach(async () => {
  for (const { collector, store } of running.splice(0)) {
    await collector.close();
    await store.close();
  }
});

/** A collector on an in-memory SQLite store (or the one given), with the shop's catalog registered. */
async function collector(options: { k?: number; store?: CounterStore } = {}) {
  const store = options.store ?? createSqliteStore(':memory:');
  const c = createCollector({ store, token: TOKEN, perMinute: 1_000_000, ...(options.k === undefined ? {} : { k: options.k }) });
  running.push({ collector: c, store });
  const app = c.routes;
  const registered = await app.request('/v1/catalogs', { method: 'POST', body: JSON.stringify(CATALOG), headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' } });
  expect([200, 201]).toContain(registered.status);
  const post = (r: Report) => app.request('/v1/reports', { method: 'POST', body: JSON.stringify(r), headers: { 'Content-Type': 'text/plain' } });
  const stats = async () => (await app.request('/v1/stats?site=demo-shop', { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
  return { app, store, post, stats };
}

describe('the collector takes no more from one report than its contribution bounds', () => {
  it.each(METRICS)('refuses a report with %s over its bound or below zero, and counts nothing of it', async (metric) => {
    const c = await collector({ k: 1 });
    const over = await c.post(report({ [metric]: CONTRIBUTION_BOUNDS[metric] + 1 }));
    expect(over.status).toBe(400);
    expect((await over.json()).error).toContain(`report.cells[0].${metric}`);
    expect((await c.post(report({ [metric]: -1 }))).status).toBe(400);
    expect(await c.store.stats('demo-shop', 0, Infinity)).toEqual([]);
    // At the bound exactly, it is counted.
    expect((await c.post(report({ [metric]: CONTRIBUTION_BOUNDS[metric] }))).status).toBe(202);
    expect((await c.store.stats('demo-shop', 0, Infinity)).find((r) => r.offer === 'trail-10')).toMatchObject({ reports: 1, [metric]: CONTRIBUTION_BOUNDS[metric] });
  });
});

describe('the k threshold', () => {
  it('shows no number before 20 reports when k is not configured', async () => {
    const c = await collector();
    for (let i = 0; i < 19; i++) expect((await c.post(report())).status).toBe(202);
    let body = await c.stats();
    expect(body).toMatchObject({ k: 20, cells: [], offers: [], withheld: 2 });
    expect(body.pending).toContainEqual({ catalog: VERSION, offer: 'trail-10', variant: 'default', arm: 'personalized', reports: 19 });
    await c.post(report());
    body = await c.stats();
    expect(body.withheld).toBe(0);
    const offers = (body.offers as { offer: string; reports: number; impressions: number; clicks: number }[]).map((o) => [o.offer, o.reports, o.impressions, o.clicks]);
    expect(offers.sort()).toEqual([
      ['road-15', 20, 0, 0],
      ['trail-10', 20, 60, 20],
    ]);
  });
});

describe('a report id counts once', () => {
  it('still counts a resend once when it comes back after the week a device may keep a report', async () => {
    const store = createSqliteStore(':memory:');
    const once = report();
    // The first send was received seven and a half days ago: a device gives up after seven.
    expect(await store.commit([once], Date.now() - 7.5 * DAY)).toEqual([true]);
    const c = await collector({ k: 1, store });
    expect(await (await c.post(once)).json()).toEqual({ accepted: true, duplicate: true });
    expect((await c.store.stats('demo-shop', 0, Infinity)).find((r) => r.offer === 'trail-10')).toMatchObject({ reports: 1, impressions: 3 });
  });
});
