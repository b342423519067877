/**
 * The closed loop (README, "Offers that learn"): simulated devices run the SDK's own decide
 * code (compile, rank, and the learn chunk's Thompson draws) against a seeded ground truth;
 * their exposures go through the SDK's report builder into a real collector store (SQLite),
 * and the collector's own priors computation feeds them back every hour or day. Policies that
 * do not learn run the same shoppers for comparison: an oracle that always shows the best
 * (offer, variant) for the shopper's interest, uniform allocation, and today's ranking.
 */
import type { Priors } from '../../src/protocol/priors';
import { compileCatalog } from '../../worker/decide/compile';
import { personalView } from '../../worker/decide/features';
import { rank } from '../../worker/decide/rank';
import { ExposureLog } from '../../worker/exposures';
import { updateProfile } from '../../worker/profile';
import { generator } from '../../worker/random';
import { buildReports } from '../../worker/report/build';
import { GRACE_MS } from '../../worker/report/window';
import { learnedDraws } from '../../worker/learn/thompson';
import type { ExposureRecord } from '../../worker/storage/store';
import { PRIORS_DEFAULTS, PRIORS_LOOKBACK_MS } from '../priors/compute';
import { buildPriors } from '../priors/publisher';
import { createCatalogRegistry } from '../collector/catalog-registry';
import { COLLECTOR_DEFAULTS } from '../collector/defaults';
import { createSqliteStore } from '../sqlite';
import type { CatalogShape } from '../store';
import { groundTruth, INTERESTS, LOOP_SLOT, loopCatalog, oracleChoice, type ArmTruth, type Interest } from './ground-truth';
import { MINUTE_MS, HOUR_MS } from '../../src/protocol/time';

const DAY = 24 * HOUR_MS;

/** How a policy chooses what a shopper sees. */
export type PolicyKind = 'oracle' | 'uniform' | 'static' | 'learning';

/** One policy of the comparison. */
export interface Policy {
  name: string;
  kind: PolicyKind;
  /** Learning: how often the priors are recomputed. */
  everyMs?: number;
  /** Learning: the collector's k. Default 20. */
  k?: number;
  /** Learning: local noise ε on every report. */
  epsilon?: number;
}

/** What to simulate. */
export interface LoopOptions {
  days: number;
  /** Devices that visit each day (each sees `pagesPerVisit` offers in one hour). */
  devicesPerDay: number;
  pagesPerVisit: number;
  /** Devices in the population; each day's visitors are drawn from it. */
  population: number;
  seed: number;
  /** The catalog's `weights.learned`. */
  learningWeight?: number;
}

/** The defaults: 28 days of 20,000 impressions. */
export const LOOP_DEFAULTS: LoopOptions = { days: 28, devicesPerDay: 2_000, pagesPerVisit: 10, population: 8_000, seed: 7 };

/** What one policy got, day by day. */
export interface LoopResult {
  policy: string;
  impressions: number[];
  clicks: number[];
  conversions: number[];
  /** Priors versions computed (learning only). */
  priorsVersions: number;
}

interface Device {
  seed: number;
  interest: Interest;
  view: ReturnType<typeof personalView>;
}

/** The reports' days start here (a Monday at midnight, UTC). */
const START = Date.UTC(2026, 10, 2);

function truthIndex(truth: readonly ArmTruth[]): Map<string, ArmTruth> {
  return new Map(truth.map((t) => [`${t.offer}\u0000${t.variant}`, t]));
}

/** The priors as the collector computes them, for the devices to draw from (their signature is the SDK's to check, and is not simulated). */
async function priorsAt(store: ReturnType<typeof createSqliteStore>, shape: CatalogShape, now: number, policy: Policy): Promise<Priors> {
  const method = { ...PRIORS_DEFAULTS, periodMs: policy.everyMs ?? HOUR_MS, k: policy.k ?? COLLECTOR_DEFAULTS.k };
  return buildPriors(shape, await store.windows(shape.site, now - PRIORS_LOOKBACK_MS, now), now, method);
}

/**
 * Runs one policy over the days, with the same shoppers, visits and ground truth as every
 * other policy of the same options.
 * @param policy what chooses the offers
 * @param options the population and its days
 * @returns clicks, conversions and impressions per day
 */
export async function runPolicy(policy: Policy, options: LoopOptions = LOOP_DEFAULTS): Promise<LoopResult> {
  const catalog = loopCatalog(options.learningWeight);
  const compiled = compileCatalog(catalog);
  const truth = groundTruth(catalog, options.seed);
  const byArm = truthIndex(truth);
  const oracle = oracleChoice(truth);
  const arms = truth;
  // The shoppers and their visits come from their own generator, the same for every policy;
  // what they click comes from another, so a policy's choices do not shift anyone's visits.
  const people = generator(options.seed * 7919 + 1);
  const devices: Device[] = Array.from({ length: options.population }, () => {
    const interest = INTERESTS[Math.floor(people() * INTERESTS.length)]!;
    const seed = Math.floor(people() * 2 ** 32);
    const at = START - DAY;
    const profile = updateProfile(
      undefined,
      [0, 1, 2].map((i) => ({ type: 'product_view' as const, at: at + i * MINUTE_MS, payload: { sku: `${interest}-${i}`, category: interest } })),
    );
    return { seed, interest, view: personalView(profile, START, new Set()) };
  });
  const chance = generator(options.seed * 104_729 + 3);
  const store = createSqliteStore(':memory:');
  // Registered as a merchant registers a catalog: what the collector knows of it is what it computes priors for.
  await createCatalogRegistry(store).register(catalog);
  const shape = (await store.currentCatalog(catalog.siteId))!;
  const result: LoopResult = { policy: policy.name, impressions: [], clicks: [], conversions: [], priorsVersions: 0 };
  let priors: Priors | null = null;
  let draw = 0;
  const draws = new Map<number, ReturnType<typeof learnedDraws>>();
  const log = new ExposureLog();
  try {
    for (let day = 0; day < options.days; day++) {
      const dayStart = START + day * DAY;
      // Each visitor's hour of the day.
      const visits = Array.from({ length: options.devicesPerDay }, () => ({ device: devices[Math.floor(people() * devices.length)]!, hour: Math.floor(people() * 24) }));
      let [impressions, clicks, conversions] = [0, 0, 0];
      for (let hour = 0; hour < 24; hour++) {
        const now = dayStart + hour * HOUR_MS;
        if (policy.kind === 'learning' && (priors === null || now - priors.computedAt >= (policy.everyMs ?? HOUR_MS))) {
          priors = await priorsAt(store, shape, now, policy);
          result.priorsVersions++;
          draws.clear();
        }
        const reports = [];
        for (const { device } of visits.filter((v) => v.hour === hour)) {
          const exposures: ExposureRecord[] = [];
          let learned = null;
          if (policy.kind === 'learning' && priors) {
            learned = draws.get(device.seed) ?? learnedDraws(catalog, priors, device.seed);
            draws.set(device.seed, learned);
          }
          for (let page = 0; page < options.pagesPerVisit; page++) {
            const at = now + page * MINUTE_MS;
            let shown: ArmTruth;
            if (policy.kind === 'oracle') shown = oracle[device.interest];
            else if (policy.kind === 'uniform') shown = arms[Math.floor(chance() * arms.length)]!;
            else {
              const input = { now: at, personal: device.view, cart: { categories: new Set<string>(), value: 0 }, page: {}, muted: new Set<string>(), learned };
              const [top] = rank(compiled, LOOP_SLOT, 1, input, log, device.seed, draw++);
              shown = byArm.get(`${top!.id}\u0000${top!.variant}`)!;
            }
            const base = { offer: shown.offer, variant: shown.variant, arm: 'personalized' as const, slot: LOOP_SLOT, at, catalog: catalog.version };
            exposures.push({ ...base, kind: 'impression' });
            impressions++;
            if (chance() < shown.ctr[device.interest]) {
              exposures.push({ ...base, kind: 'click' });
              clicks++;
              if (chance() < shown.buyAfterClick) {
                exposures.push({ ...base, kind: 'conversion', value: 4_000 });
                conversions++;
              }
            }
          }
          if (policy.kind === 'learning') {
            reports.push(
              ...buildReports({
                catalog,
                siteId: catalog.siteId,
                windowMs: HOUR_MS,
                from: now,
                now: now + HOUR_MS + GRACE_MS,
                exposures,
                room: Number.POSITIVE_INFINITY,
                emptyOutbox: true,
                noise: policy.epsilon === undefined ? undefined : { epsilon: policy.epsilon },
                random: chance,
              }).reports,
            );
          }
        }
        if (reports.length) await store.commit(reports, now + HOUR_MS + GRACE_MS);
      }
      result.impressions.push(impressions);
      result.clicks.push(clicks);
      result.conversions.push(conversions);
    }
  } finally {
    await store.close();
  }
  return result;
}

/** The comparison the issue asks for: the oracle, uniform allocation, today's ranking, and learning in five settings. */
export const LOOP_POLICIES: readonly Policy[] = [
  { name: 'oracle', kind: 'oracle' },
  { name: 'uniform allocation', kind: 'uniform' },
  { name: "today's ranking (no learning)", kind: 'static' },
  { name: 'learning, daily priors', kind: 'learning', everyMs: DAY },
  { name: 'learning, hourly priors', kind: 'learning', everyMs: HOUR_MS },
  { name: 'learning, hourly, k = 50', kind: 'learning', everyMs: HOUR_MS, k: 50 },
  { name: 'learning, hourly, local noise ε = 4', kind: 'learning', everyMs: HOUR_MS, epsilon: 4 },
  { name: 'learning, hourly, local noise ε = 8', kind: 'learning', everyMs: HOUR_MS, epsilon: 8 },
];
