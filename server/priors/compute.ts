/**
 * The priors, computed from counters only (README, "Offers that learn"). Pure: the rows, the
 * catalog and the clock come in as arguments, so every pitfall of learning from aggregates
 * has a test of its own (test/server/priors-compute.test.ts).
 *
 * For each (offer, variant) "arm" of the catalog, and each rate (clicks per impression,
 * conversions per impression):
 * - **Drift.** Windows are grouped into update periods. An arm's rate is the mean of its
 *   per-period rates, each period weighted by the impressions of the whole slot in it (not by
 *   the arm's own), so an arm that got most of its traffic while base rates were low is not
 *   judged by those periods alone (GrowthBook's `weight_by_period`). Older periods are also
 *   discounted with a half-life. The effective number of impressions behind that mean is
 *   1 / Σ π² / (n γ) (Kish), which is the arm's impressions when there is one period.
 * - **Delayed conversions.** A device credits a conversion to the window of the exposure, so a
 *   window's conversions are complete only once its attribution window has passed: conversion
 *   rates use those windows only; click rates use every window.
 * - **Local noise.** The noise's known variance is added to the rate's sampling variance, and
 *   the effective impressions shrink in proportion, so the posterior widens as the
 *   dashboard's intervals do.
 * - **Minimum and k.** An arm with fewer than `minImpressions` impressions, or fewer than `k`
 *   reports, is released as its parent's mean (the offer's for its variants, the slot's for
 *   its offers) with the weight of `minImpressions` impressions at most; k limits what is
 *   released, not what is learned.
 * The result is Beta(1 + m n, 1 + (1 − m) n) for the weighted mean m and effective
 * impressions n: Beta(1 + clicks, 1 + impressions − clicks) in the simplest case.
 */
import type { ArmPrior, BetaPrior, PriorBasis, PriorsMethod } from '../../src/protocol/priors';
import type { WindowRow } from '../store';
import { HOUR_MS } from '../../src/protocol/time';

const DAY = 24 * HOUR_MS;

/** What the computation needs of a catalog version: its offers' slots and variants, in catalog order. */
export interface PriorsCatalog {
  site: string;
  version: string;
  attributionWindowHours: number;
  offers: { id: string; slot: string; variants: string[] }[];
}

/** The defaults of the method (README, "Offers that learn"). */
export const PRIORS_DEFAULTS: Omit<PriorsMethod, 'k'> = {
  periodMs: HOUR_MS,
  halfLifeDays: 14,
  minImpressions: 100,
  floor: 0.01,
};

/** The least weight, in impressions, of a parent's mean handed to an arm (when the minimum is set lower). */
const MIN_INHERITED_WEIGHT = 10;

/** How far back windows are read: beyond this the discount leaves them nothing to say. */
export const PRIORS_LOOKBACK_MS = 90 * DAY;

/** The counts of one arm (or of a group of arms) in one update period. */
interface PeriodCounts {
  impressions: number;
  successes: number;
  reports: number;
  /** Noise variance of the impressions and of the successes. */
  varImpressions: number;
  varSuccesses: number;
}

type Counts = Map<number, PeriodCounts>;

/** Which counter a rate counts per impression. */
type Success = 'clicks' | 'conversions';

function add(into: Counts, period: number, row: WindowRow, success: Success): void {
  const c = into.get(period) ?? { impressions: 0, successes: 0, reports: 0, varImpressions: 0, varSuccesses: 0 };
  c.impressions += row.impressions;
  c.successes += row[success];
  c.reports += row.reports;
  c.varImpressions += row.variance.impressions;
  c.varSuccesses += row.variance[success];
  into.set(period, c);
}

/**
 * The counts of several arms together (an offer's variants, a slot's offers). Every report
 * holds every cell of its catalog version, so the same reports stand behind each arm: the
 * group has as many reports as its busiest arm, not their sum.
 */
function merge(parts: readonly Counts[]): Counts {
  const out: Counts = new Map();
  for (const part of parts) {
    for (const [period, c] of part) {
      const o = out.get(period) ?? { impressions: 0, successes: 0, reports: 0, varImpressions: 0, varSuccesses: 0 };
      o.impressions += c.impressions;
      o.successes += c.successes;
      o.reports = Math.max(o.reports, c.reports);
      o.varImpressions += c.varImpressions;
      o.varSuccesses += c.varSuccesses;
      out.set(period, o);
    }
  }
  return out;
}

/** A rate's estimate: the period-weighted mean, the effective impressions behind it, and the raw evidence for the gates. */
interface Estimate {
  mean: number;
  effective: number;
  impressions: number;
  reports: number;
}

/** A period's weight: the slot's impressions in it times its discount, and the discount alone. */
type PeriodWeights = Map<number, { weight: number; discount: number }>;

/**
 * The period-weighted estimate of a rate.
 * @param arm the arm's counts per period
 * @param weights each period's weight
 */
function estimate(arm: Counts, weights: PeriodWeights): Estimate {
  let total = 0;
  let impressions = 0;
  let reports = 0;
  const used: { w: number; n: number; rate: number; c: PeriodCounts; discount: number }[] = [];
  for (const [period, c] of arm) {
    impressions += Math.max(0, c.impressions);
    reports += c.reports;
    // Noisy counts are estimates: kept within what they could really be.
    const n = Math.max(0, c.impressions);
    if (n < 1) continue;
    const pw = weights.get(period);
    if (!pw || !(pw.weight > 0)) continue;
    const rate = Math.min(1, Math.max(0, c.successes / n));
    used.push({ w: pw.weight, n, rate, c, discount: pw.discount });
    total += pw.weight;
  }
  if (!used.length) return { mean: 0, effective: 0, impressions, reports };
  let mean = 0;
  let inverse = 0;
  let noise = 0;
  for (const { w, n, rate, c, discount } of used) {
    const pi = w / total;
    mean += pi * rate;
    inverse += (pi * pi) / (n * discount);
    noise += (pi * pi * (c.varSuccesses + rate * rate * c.varImpressions)) / (n * n);
  }
  let effective = 1 / inverse;
  if (noise > 0) {
    // The sampling variance at the posterior mean, against it plus the noise's.
    const m = (mean * effective + 1) / (effective + 2);
    const sampling = (m * (1 - m)) / effective;
    effective *= sampling / (sampling + noise);
  }
  return { mean, effective, impressions, reports };
}

/**
 * Computes the priors of every (offer, variant) of a catalog version from counter rows.
 * @param catalog the version the priors are for
 * @param rows counters per window, catalog version, offer, variant and arm (any version of the site; matched by ids)
 * @param now the time of the computation
 * @param method the period, half-life, minimum, k and floor
 * @returns one prior per (offer, variant), in catalog order
 * @example
 * const priors = computePriors(catalog, await store.windows(site, now - PRIORS_LOOKBACK_MS, now), Date.now(), { ...PRIORS_DEFAULTS, k: 20 });
 */
export function computePriors(catalog: PriorsCatalog, rows: readonly WindowRow[], now: number, method: PriorsMethod): ArmPrior[] {
  const matured = now - catalog.attributionWindowHours * HOUR_MS;
  const discountOf = (periodStart: number) => (method.halfLifeDays > 0 ? 0.5 ** (Math.max(0, now - periodStart) / (method.halfLifeDays * DAY)) : 1);
  const key = (offer: string, variant: string) => `${offer}\u0000${variant}`;
  const slotOf = new Map(catalog.offers.map((o) => [o.id, o.slot]));
  const arms = new Map<string, { clicks: Counts; conversions: Counts }>();
  for (const o of catalog.offers) for (const v of o.variants) arms.set(key(o.id, v), { clicks: new Map(), conversions: new Map() });
  /** Per slot and period, all its impressions: the periods' weights. */
  const slotTraffic = new Map<string, { clicks: Map<number, number>; conversions: Map<number, number> }>();

  for (const row of rows) {
    // The baseline arm shows a fixed order that never learns: it is the yardstick, not a source.
    if (row.arm === 'baseline') continue;
    const arm = arms.get(key(row.offer, row.variant));
    const slot = slotOf.get(row.offer);
    if (!arm || slot === undefined) continue;
    const period = Math.floor(row.windowStart / method.periodMs);
    const traffic = slotTraffic.get(slot) ?? { clicks: new Map(), conversions: new Map() };
    slotTraffic.set(slot, traffic);
    add(arm.clicks, period, row, 'clicks');
    traffic.clicks.set(period, (traffic.clicks.get(period) ?? 0) + Math.max(0, row.impressions));
    if (row.windowStart + row.windowMs <= matured) {
      add(arm.conversions, period, row, 'conversions');
      traffic.conversions.set(period, (traffic.conversions.get(period) ?? 0) + Math.max(0, row.impressions));
    }
  }

  const weightsOf = (traffic: Map<number, number> | undefined): PeriodWeights => {
    const w: PeriodWeights = new Map();
    for (const [period, n] of traffic ?? []) {
      const discount = discountOf(period * method.periodMs);
      w.set(period, { weight: n * discount, discount });
    }
    return w;
  };
  const enough = (e: Estimate) => e.impressions >= method.minImpressions && e.reports >= method.k && e.effective > 0;
  const own = (e: Estimate, basis: PriorBasis): BetaPrior => ({ alpha: 1 + e.mean * e.effective, beta: 1 + (1 - e.mean) * e.effective, basis });
  /** A parent's mean, with at most the weight of the minimum's impressions (and of a few at least), so the arm is still explored. */
  const inherited = (e: Estimate, basis: PriorBasis): BetaPrior => {
    const strength = Math.min(e.effective, Math.max(method.minImpressions, MIN_INHERITED_WEIGHT));
    return { alpha: 1 + e.mean * strength, beta: 1 + (1 - e.mean) * strength, basis };
  };
  const NONE: BetaPrior = { alpha: 1, beta: 1, basis: 'none' };

  const out: ArmPrior[] = [];
  const bySlot = new Map<string, PriorsCatalog['offers']>();
  for (const o of catalog.offers) bySlot.set(o.slot, [...(bySlot.get(o.slot) ?? []), o]);
  const rate = (success: Success) => {
    const results = new Map<string, BetaPrior>();
    for (const [slot, offers] of bySlot) {
      const weights = weightsOf(slotTraffic.get(slot)?.[success]);
      const countsOf = (offer: string, variant: string) => arms.get(key(offer, variant))![success];
      const slotEstimate = estimate(merge(offers.flatMap((o) => o.variants.map((v) => countsOf(o.id, v)))), weights);
      for (const o of offers) {
        const offerEstimate = estimate(merge(o.variants.map((v) => countsOf(o.id, v))), weights);
        for (const v of o.variants) {
          const armEstimate = estimate(countsOf(o.id, v), weights);
          results.set(
            key(o.id, v),
            enough(armEstimate) ? own(armEstimate, 'own') : enough(offerEstimate) ? inherited(offerEstimate, 'offer') : enough(slotEstimate) ? inherited(slotEstimate, 'slot') : NONE,
          );
        }
      }
    }
    return results;
  };
  const ctr = rate('clicks');
  const cvr = rate('conversions');
  for (const o of catalog.offers) {
    for (const v of o.variants) out.push({ offer: o.id, variant: v, ctr: ctr.get(key(o.id, v))!, cvr: cvr.get(key(o.id, v))! });
  }
  return out;
}
