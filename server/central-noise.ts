/**
 * Central differential privacy for what leaves the collector (README, "Central noise"):
 * every counter of every report window gets two-sided geometric noise once, calibrated to the
 * most one device adds to it in that window (its contribution bound) at ε, and every total
 * the collector releases (`/v1/stats`, the dashboard, its CSV, the priors) is summed from the
 * noisy counters. The noise of a counter is drawn from an HMAC of its identity under a secret,
 * so it is the same at every release: asking again, or for overlapping ranges, never averages
 * it away. Its variance joins the counters' noise variance, so every interval widens by it.
 */
import { createHmac } from 'node:crypto';
import { alphaOf, geometric, noiseVariance } from '../src/protocol/geometric-noise';
import { CONTRIBUTION_BOUNDS, METRICS } from '../src/protocol/report';
import type { CounterStore, DailyRow, StatRow, WindowRow } from './store';
import { DAY_MS } from '../src/protocol/time';
import { emptyStat } from './counter-columns';

/** Central noise of one deployment: ε per site (a site without one gets none), and the secret the noise is drawn from. */
export interface CentralNoise {
  /** ε per site; `*` for every site not named. */
  epsilon: Record<string, number>;
  /** The secret of the noise: all collectors of a deployment share it, and no reader of the numbers has it. */
  secret: string;
  /** The clock. */
  now?: () => number;
}

/**
 * How long after a window ends its counters stay open to reports, unreleased. Then they are
 * released with their noise and take no more reports (the collector answers 410), so a
 * release never changes: comparing two cannot isolate one report. Devices send a window's
 * report within minutes of its end when a page of the shop is open; a shopper who comes back
 * later than this loses that window's report.
 */
export const CENTRAL_SETTLE_MS = DAY_MS;

/** The ε of a site under central noise, or undefined when it has none. */
export function centralEpsilon(noise: CentralNoise, site: string): number | undefined {
  return noise.epsilon[site] ?? noise.epsilon['*'];
}

/** Uniform numbers in [0, 1) from the HMAC-SHA256 of a key: eight per digest, then the digest of the digest. */
function uniforms(secret: string, key: string): () => number {
  let digest = createHmac('sha256', secret).update(key).digest();
  let at = 0;
  return () => {
    if (at === digest.length) {
      digest = createHmac('sha256', secret).update(digest).digest();
      at = 0;
    }
    const value = digest.readUInt32BE(at) / 2 ** 32;
    at += 4;
    return value;
  };
}

/** A window's counter row with its noise added, the same at every release. */
function noisyRow(site: string, row: WindowRow, epsilon: number, secret: string): WindowRow {
  const random = uniforms(secret, JSON.stringify([site, row.windowStart, row.windowMs, row.catalog, row.offer, row.variant, row.arm]));
  const out: WindowRow = { ...row, variance: { ...row.variance } };
  for (const m of METRICS) {
    out[m] = row[m] + geometric(alphaOf(epsilon, CONTRIBUTION_BOUNDS[m]), random);
    out.variance[m] += noiseVariance(epsilon, CONTRIBUTION_BOUNDS[m]);
  }
  return out;
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Sums window rows by a key, in key order as the stores sort them (byte order). */
function sumBy<T extends StatRow>(rows: readonly WindowRow[], keyOf: (r: WindowRow) => string, make: (r: WindowRow) => T): T[] {
  const sums = new Map<string, T>();
  for (const r of rows) {
    const key = keyOf(r);
    let sum = sums.get(key);
    if (!sum) sums.set(key, (sum = { ...make(r), reports: 0, noisyReports: 0, variance: { impressions: 0, clicks: 0, dismissals: 0, conversions: 0, revenue: 0 } }));
    sum.reports += r.reports;
    sum.noisyReports += r.noisyReports;
    for (const m of METRICS) {
      sum[m] += r[m];
      sum.variance[m] += r.variance[m];
    }
  }
  return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, sum]) => sum);
}

const statOf = (r: WindowRow): StatRow => emptyStat(r.catalog, r.offer, r.variant, r.arm);
const cellKey = (r: WindowRow) => JSON.stringify([r.catalog, r.offer, r.variant, r.arm]);

/**
 * The store as the collector releases it: for the sites that have an ε, the counters of
 * settled windows only, with central noise; everything else (commits, catalogs, ids, priors
 * documents) as the store does it.
 * @param store the store
 * @param noise ε per site and the secret
 * @example
 * const released = withCentralNoise(store, { epsilon: { '*': 1 }, secret: token });
 */
export function withCentralNoise(store: CounterStore, noise: CentralNoise): CounterStore {
  const epsilonOf = (site: string) => centralEpsilon(noise, site);
  const now = noise.now ?? Date.now;
  // Only settled windows, which take no more reports, are released.
  const released = (site: string, rows: WindowRow[]) => {
    const epsilon = epsilonOf(site);
    if (epsilon === undefined) return rows;
    const settled = now() - CENTRAL_SETTLE_MS;
    return rows.filter((r) => r.windowStart + r.windowMs <= settled).map((r) => noisyRow(site, r, epsilon, noise.secret));
  };
  const windows = async (site: string, from: number, to: number) => released(site, await store.windows(site, from, to));
  return {
    ...store,
    windows,
    async stats(site, from, to) {
      if (epsilonOf(site) === undefined) return store.stats(site, from, to);
      return sumBy(await windows(site, from, to), cellKey, statOf);
    },
    async daily(site, from, to) {
      if (epsilonOf(site) === undefined) return store.daily(site, from, to);
      return sumBy<DailyRow>(
        await windows(site, from, to),
        (r) => `${utcDay(r.windowStart)}\u0000${cellKey(r)}`,
        (r) => ({ ...statOf(r), day: utcDay(r.windowStart) }),
      );
    },
    renewPriors: (site, fresh, make) => store.renewPriors(site, fresh, (read) => make(async (from, to) => released(site, await read(from, to)))),
  };
}
