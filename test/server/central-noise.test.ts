import { afterEach, describe, expect, it } from 'vitest';
import { withCentralNoise } from '../../server/central-noise';
import { createSqliteStore } from '../../server/sqlite';
import type { CounterStore } from '../../server/store';
import { noiseVariance } from '../../src/protocol/noise';
import { CONTRIBUTION_BOUNDS, METRICS, type Report } from '../../src/protocol/report';

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 1);
const stores: CounterStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

let n = 0;
function report(site: string, day: number, impressions: number): Report {
  return {
    v: 1, id: (n++).toString(16).padStart(32, '0'), site, windowStart: new Date(START + day * DAY).toISOString(), windowMs: DAY, catalog: 'c1', noise: { mechanism: 'none' },
    cells: [{ offer: 'a', variant: 'default', arm: 'personalized', impressions, clicks: 1, dismissals: 0, conversions: 0, revenue: 0 }],
  };
}

async function filled(days: number): Promise<CounterStore> {
  const store = createSqliteStore(':memory:');
  stores.push(store);
  await store.commit(Array.from({ length: days }, (_, d) => [report('noisy', d, 10), report('exact', d, 10)]).flat(), Date.now());
  return store;
}

describe('central noise', () => {
  it('adds noise to each window\'s counters once: the same at every release, and what totals are summed from', async () => {
    const store = await filled(30);
    const released = withCentralNoise(store, { epsilon: { noisy: 1 }, secret: 's3cret' });
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
    const other = await withCentralNoise(store, { epsilon: { noisy: 1 }, secret: 'another' }).windows('noisy', -Infinity, Infinity);
    expect(other.map((w) => w.impressions)).not.toEqual(windows.map((w) => w.impressions));
  });

  it('is unbiased, with the variance of the geometric mechanism at ε', async () => {
    const store = await filled(400);
    const windows = await withCentralNoise(store, { epsilon: { '*': 1 }, secret: 'k' }).windows('noisy', -Infinity, Infinity);
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
    const released = withCentralNoise(store, { epsilon: { noisy: 1 }, secret: 's' });
    expect(await released.stats('exact', -Infinity, Infinity)).toEqual(await store.stats('exact', -Infinity, Infinity));
    expect(await released.windows('exact', -Infinity, Infinity)).toEqual(await store.windows('exact', -Infinity, Infinity));
  });

  it('feeds the priors the noisy counters too', async () => {
    const store = await filled(5);
    const released = withCentralNoise(store, { epsilon: { '*': 1 }, secret: 's' });
    let seen: number[] = [];
    await released.renewPriors('noisy', () => false, async (read) => {
      seen = (await read(-Infinity, Infinity)).map((w) => w.impressions);
      return undefined;
    });
    expect(seen).toEqual((await released.windows('noisy', -Infinity, Infinity)).map((w) => w.impressions));
  });
});
