import { afterEach, describe, expect, it } from 'vitest';
import { withCentralNoise } from '../../server/central-noise';
import { createCollector } from '../../server/collector';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { createSqliteStore } from '../../server/sqlite';
import type { CounterStore } from '../../server/store';
import { noiseVariance } from '../../src/protocol/geometric-noise';
import { CONTRIBUTION_BOUNDS, METRICS, type Report } from '../../src/protocol/report';
import { reportCell, report as aReport } from '../fixtures/report';

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 1);
/** A time when every window of these tests has settled. */
const LATER = () => Date.UTC(2030, 0, 1);
const stores: CounterStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** A report of `site` for the day `day` days after START: `impressions` and a click on offer a. */
const report = (site: string, day: number, impressions: number): Report =>
  aReport({ site, windowStart: new Date(START + day * DAY).toISOString(), cells: [reportCell('a', 'default', 'personalized', { impressions, clicks: 1 })] });

async function filled(days: number): Promise<CounterStore> {
  const store = createSqliteStore(':memory:');
  stores.push(store);
  await store.commit(Array.from({ length: days }, (_, d) => [report('noisy', d, 10), report('exact', d, 10)]).flat(), Date.now());
  return store;
}

describe('central noise', () => {
  it("adds noise to each window's counters once: the same at every release, and what totals are summed from", async () => {
    const store = await filled(30);
    const released = withCentralNoise(store, { epsilon: { noisy: 1 }, secret: 's3cret', now: LATER });
    const windows = await released.windows('noisy', -Infinity, Infinity);
    expect(await released.windows('noisy', -Infinity, Infinity)).toEqual(windows);
    expect(windows.some((w) => w.impressions !== 10)).toBe(true);
    const [total] = await released.stats('noisy', -Infinity, Infinity);
    expect(total!.impressions).toBe(windows.reduce((s, w) => s + w.impressions, 0));
    expect(total!.reports).toBe(30);
    // Every interval widens by the noise: 30 windows' worth of variance per counter.
    for (const m of METRICS) expect(total!.variance[m]).toBeCloseTo(30 * noiseVariance(1, CONTRIBUTION_BOUNDS[m]), 6);
    const daily = await released.daily('noisy', -Infinity, Infinity);
    expect(daily.map((d) => d.impressions)).toEqual(windows.map((w) => w.impressions));
    // Overlapping ranges see the same noise: asking again cannot average it away.
    const [firstTen] = await released.stats('noisy', START, START + 10 * DAY);
    expect(firstTen!.impressions).toBe(windows.slice(0, 10).reduce((s, w) => s + w.impressions, 0));
    // Another secret, other noise.
    const other = await withCentralNoise(store, { epsilon: { noisy: 1 }, secret: 'another', now: LATER }).windows('noisy', -Infinity, Infinity);
    expect(other.map((w) => w.impressions)).not.toEqual(windows.map((w) => w.impressions));
  });

  it('is unbiased, with the variance of the geometric mechanism at ε', async () => {
    const store = await filled(400);
    const windows = await withCentralNoise(store, { epsilon: { '*': 1 }, secret: 'k', now: LATER }).windows('noisy', -Infinity, Infinity);
    const noise = windows.map((w) => w.impressions - 10);
    const mean = noise.reduce((a, b) => a + b, 0) / noise.length;
    const variance = noise.reduce((a, b) => a + (b - mean) ** 2, 0) / noise.length;
    const expected = noiseVariance(1, CONTRIBUTION_BOUNDS.impressions);
    expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(expected / noise.length));
    expect(variance / expected).toBeGreaterThan(0.75);
    expect(variance / expected).toBeLessThan(1.3);
  });

  it('leaves a site without an ε exact', async () => {
    const store = await filled(5);
    const released = withCentralNoise(store, { epsilon: { noisy: 1 }, secret: 's', now: LATER });
    expect(await released.stats('exact', -Infinity, Infinity)).toEqual(await store.stats('exact', -Infinity, Infinity));
    expect(await released.windows('exact', -Infinity, Infinity)).toEqual(await store.windows('exact', -Infinity, Infinity));
  });

  it('feeds the priors the noisy counters too', async () => {
    const store = await filled(5);
    const released = withCentralNoise(store, { epsilon: { '*': 1 }, secret: 's', now: LATER });
    let seen: number[] = [];
    await released.renewPriors(
      'noisy',
      () => false,
      async (read) => {
        seen = (await read(-Infinity, Infinity)).map((w) => w.impressions);
        return undefined;
      },
    );
    expect(seen).toEqual((await released.windows('noisy', -Infinity, Infinity)).map((w) => w.impressions));
  });

  it('releases a window only once it has settled, and refuses its reports from then on, so no two releases differ by a report', async () => {
    const store = createSqliteStore(':memory:');
    stores.push(store);
    const collector = createCollector({ store, token: 'a-token-of-at-least-thirty-two-chars', k: 1, centralNoise: { epsilon: { noisy: 1 }, secret: 'another-secret-of-thirty-two-chars' } });
    await collector.catalogs.register(validateCatalog({ version: 'c1', siteId: 'noisy', offers: [{ id: 'a', slot: 's', content: { title: 'A' } }] }));
    await collector.catalogs.register(validateCatalog({ version: 'c1', siteId: 'exact', offers: [{ id: 'a', slot: 's', content: { title: 'A' } }] }));
    const post = (r: Report) => collector.routes.request('/v1/reports', { method: 'POST', body: JSON.stringify(r), headers: { 'Content-Type': 'text/plain' } });
    const today = Math.floor(Date.now() / DAY) * DAY;
    const day = (site: string, start: number) => ({ ...report(site, 0, 10), windowStart: new Date(start).toISOString() });
    // Yesterday's window is still open (it settles a day after its end); the one before has settled.
    expect((await post(day('noisy', today - DAY))).status).toBe(202);
    const late = await post(day('noisy', today - 2 * DAY));
    expect(late.status).toBe(410);
    expect(await late.json()).toEqual({ error: 'report.windowStart: this window was released with central noise and takes no more reports' });
    // A site without central noise takes it as always.
    expect((await post(day('exact', today - 2 * DAY))).status).toBe(202);
    await collector.close();
    const stats = await collector.routes.request('/v1/stats?site=noisy', { headers: { Authorization: 'Bearer a-token-of-at-least-thirty-two-chars' } });
    expect(((await stats.json()) as { cells: unknown[] }).cells).toEqual([]);
    expect(await store.stats('noisy', -Infinity, Infinity)).toHaveLength(1);
  });
});
