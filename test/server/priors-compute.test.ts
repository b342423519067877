import { describe, expect, it } from 'vitest';
import { computePriors, PRIORS_DEFAULTS, type PriorsCatalog } from '../../server/priors/compute';
import type { WindowRow } from '../../server/store';
import type { Arm } from '../../src/protocol/decision';
import type { PriorsMethod } from '../../src/protocol/priors';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 11, 6, 12);

const catalog: PriorsCatalog = {
  site: 'shop',
  version: 'v1',
  attributionWindowHours: 24,
  offers: [
    { id: 'a', slot: 'hero', variants: ['default', 'b'] },
    { id: 'c', slot: 'hero', variants: ['default'] },
    { id: 'd', slot: 'side', variants: ['default'] },
  ],
};

/** The method without discount or minimum, and k = 1, unless a test says otherwise. */
const method = (over: Partial<PriorsMethod> = {}): PriorsMethod => ({ ...PRIORS_DEFAULTS, halfLifeDays: 0, minImpressions: 0, k: 1, ...over });

function row(
  offer: string,
  variant: string,
  windowStart: number,
  counts: { impressions: number; clicks?: number; conversions?: number; reports?: number; arm?: Arm; windowMs?: number; variance?: Partial<WindowRow['variance']> },
): WindowRow {
  return {
    windowStart,
    windowMs: counts.windowMs ?? HOUR,
    catalog: 'v1',
    offer,
    variant,
    arm: counts.arm ?? 'personalized',
    reports: counts.reports ?? 100,
    noisyReports: counts.variance ? (counts.reports ?? 100) : 0,
    impressions: counts.impressions,
    clicks: counts.clicks ?? 0,
    dismissals: 0,
    conversions: counts.conversions ?? 0,
    revenue: 0,
    variance: { impressions: 0, clicks: 0, dismissals: 0, conversions: 0, revenue: 0, ...counts.variance },
  };
}

const prior = (priors: ReturnType<typeof computePriors>, offer: string, variant = 'default') => priors.find((p) => p.offer === offer && p.variant === variant)!;
const mean = (b: { alpha: number; beta: number }) => b.alpha / (b.alpha + b.beta);

describe('computePriors', () => {
  it('gives Beta(1 + clicks, 1 + impressions − clicks) for one window of exact counts', () => {
    const priors = computePriors(catalog, [row('a', 'default', NOW - 3 * DAY, { impressions: 1000, clicks: 30, conversions: 5 })], NOW, method());
    expect(prior(priors, 'a').ctr).toEqual({ alpha: 31, beta: 971, basis: 'own' });
    expect(prior(priors, 'a').cvr).toEqual({ alpha: 6, beta: 996, basis: 'own' });
    expect(priors.map((p) => `${p.offer}/${p.variant}`)).toEqual(['a/default', 'a/b', 'c/default', 'd/default']);
  });

  it("weights each period by the slot's traffic, so a change of allocation during drift biases no arm", () => {
    // Both arms click at 10% in the first period and 2% in the second (the rate drifted for
    // everyone); the allocation moved from a to c in between. Pooled counts would make a look
    // 3× better than c.
    const first = NOW - 2 * DAY;
    const second = NOW - DAY;
    const rows = [
      row('a', 'default', first, { impressions: 9000, clicks: 900 }),
      row('c', 'default', first, { impressions: 1000, clicks: 100 }),
      row('a', 'default', second, { impressions: 1000, clicks: 20 }),
      row('c', 'default', second, { impressions: 9000, clicks: 180 }),
    ];
    const priors = computePriors(catalog, rows, NOW, method());
    expect(mean(prior(priors, 'a').ctr)).toBeCloseTo(0.06, 3);
    expect(mean(prior(priors, 'c').ctr)).toBeCloseTo(0.06, 3);
    // The pooled rates, for contrast: what an unweighted sum would have said.
    expect(920 / 10_000 / (280 / 10_000)).toBeGreaterThan(3);
  });

  it('counts the evidence of unequal periods as the Kish effective sample, fewer than the raw impressions', () => {
    const rows = [
      row('a', 'default', NOW - 2 * DAY, { impressions: 9000, clicks: 900 }),
      row('c', 'default', NOW - 2 * DAY, { impressions: 1000, clicks: 100 }),
      row('a', 'default', NOW - DAY, { impressions: 1000, clicks: 20 }),
      row('c', 'default', NOW - DAY, { impressions: 9000, clicks: 180 }),
    ];
    const a = prior(computePriors(catalog, rows, NOW, method()), 'a').ctr;
    // Periods weigh 0.5 each: 1 / (0.25 / 9000 + 0.25 / 1000) = 3,600 effective impressions.
    expect(a.alpha + a.beta - 2).toBeCloseTo(3600, 0);
  });

  it('uses for conversions only windows whose attribution window has passed, and every window for clicks', () => {
    // Yesterday's window is mature; the last hour's conversions are still on their way.
    const rows = [row('a', 'default', NOW - 3 * DAY, { impressions: 1000, clicks: 40, conversions: 50 }), row('a', 'default', NOW - 2 * HOUR, { impressions: 9000, clicks: 360, conversions: 0 })];
    const a = prior(computePriors(catalog, rows, NOW, method()), 'a');
    expect(mean(a.cvr)).toBeCloseTo(51 / 1002, 4);
    expect(a.cvr.alpha + a.cvr.beta).toBe(1002);
    // Clicks from both windows: a is the slot's only traffic, so the periods weigh as its impressions.
    expect(a.ctr.alpha).toBeCloseTo(401, 6);
    expect(a.ctr.beta).toBeCloseTo(9601, 6);
  });

  it("keeps an arm at its parent's mean until it has the minimum of impressions", () => {
    const rows = (n: number) => [row('a', 'default', NOW - DAY, { impressions: 5000, clicks: 100 }), row('a', 'b', NOW - DAY, { impressions: n, clicks: Math.round(n / 2) })];
    const below = prior(computePriors(catalog, rows(99), NOW, method({ minImpressions: 100 })), 'a', 'b').ctr;
    expect(below.basis).toBe('offer');
    // The offer's mean (pooled over its variants), with the weight of the minimum: still explored.
    expect(mean(below)).toBeCloseTo((1 + (149.5 / 5099) * 100) / 102, 2);
    expect(below.alpha + below.beta).toBeCloseTo(102, 6);
    const at = prior(computePriors(catalog, rows(100), NOW, method({ minImpressions: 100 })), 'a', 'b').ctr;
    expect(at).toEqual({ alpha: 51, beta: 51, basis: 'own' });
  });

  it("releases a prior of fewer than k reports as its parent's: the offer's for a variant, the slot's for an offer", () => {
    // Every report holds every cell of its version: a cell's report count is the version's. Here
    // version v1 (all of a's and c's cells) has 12 reports a day; c was added in version v2,
    // whose reports began later: 4.
    const day = (d: number, version: string, reports: number) =>
      [
        ...(version === 'v1' ? [row('a', 'default', NOW - d * DAY, { impressions: 2000, clicks: 100, reports }), row('a', 'b', NOW - d * DAY, { impressions: 500, clicks: 50, reports })] : []),
        row('c', 'default', NOW - d * DAY, { impressions: 500, clicks: 5, reports }),
      ].map((r) => ({ ...r, catalog: version }));
    const rows = [...day(2, 'v1', 12), ...day(1, 'v1', 12), ...day(1, 'v2', 4)].filter((r) => !(r.catalog === 'v1' && r.offer === 'c'));
    const priors = computePriors(catalog, rows, NOW, method({ k: 20, minImpressions: 50 }));
    // a's variants: 24 reports each, over k.
    expect(prior(priors, 'a').ctr.basis).toBe('own');
    expect(prior(priors, 'a', 'b').ctr.basis).toBe('own');
    // c: 4 reports, under k; its slot, as many reports as its busiest arm (24), not the sum of its cells' (52).
    expect(prior(priors, 'c').ctr.basis).toBe('slot');
    expect(mean(prior(priors, 'c').ctr)).toBeCloseTo((1 + (305 / 5500) * 50) / 52, 3);
    // With k = 25 the slot has too few too: 24 reports stand behind it, whatever the number of its cells.
    expect(prior(computePriors(catalog, rows, NOW, method({ k: 25, minImpressions: 50 })), 'c').ctr.basis).toBe('none');
    // A variant under k gets its offer's mean.
    const thin = rows.map((r) => (r.variant === 'b' ? { ...r, reports: 5 } : r));
    const fromOffer = prior(computePriors(catalog, thin, NOW, method({ k: 20, minImpressions: 50 })), 'a', 'b').ctr;
    expect(fromOffer.basis).toBe('offer');
    expect(mean(fromOffer)).toBeCloseTo((1 + 0.06 * 50) / 52, 3);
    // A slot with no reports releases nothing but the uniform prior.
    expect(prior(priors, 'd').ctr).toEqual({ alpha: 1, beta: 1, basis: 'none' });
    // With k = 1 the same counts are released as they are.
    expect(prior(computePriors(catalog, rows, NOW, method({ minImpressions: 50 })), 'c').ctr).toEqual({ alpha: 6, beta: 496, basis: 'own' });
  });

  it("widens the posterior of noisy reports by the noise's known variance", () => {
    const exact = prior(computePriors(catalog, [row('a', 'default', NOW - DAY, { impressions: 1000, clicks: 50 })], NOW, method()), 'a').ctr;
    const noisy = prior(computePriors(catalog, [row('a', 'default', NOW - DAY, { impressions: 1000, clicks: 50, variance: { impressions: 5000, clicks: 200 } })], NOW, method()), 'a').ctr;
    expect(mean(noisy)).toBeCloseTo(mean(exact), 2);
    // Var(ctr) = 0.05 × 0.95 / 1000 + (200 + 0.05² × 5000) / 1000²: about 5.5× the sampling
    // variance alone, so about 1000 / 5.5 effective impressions.
    const n = noisy.alpha + noisy.beta - 2;
    expect(n).toBeGreaterThan(170);
    expect(n).toBeLessThan(200);
  });

  it('learns nothing from the baseline arm, whose fixed order is the yardstick', () => {
    const rows = [row('a', 'default', NOW - DAY, { impressions: 1000, clicks: 10 }), row('a', 'default', NOW - DAY, { impressions: 1000, clicks: 500, arm: 'baseline' })];
    expect(prior(computePriors(catalog, rows, NOW, method()), 'a').ctr).toEqual({ alpha: 11, beta: 991, basis: 'own' });
  });

  it('discounts old periods with the half-life', () => {
    const rows = [
      row('a', 'default', NOW - 14 * DAY, { impressions: 1000, clicks: 100 }),
      row('c', 'default', NOW - 14 * DAY, { impressions: 1000, clicks: 100 }),
      row('a', 'default', NOW - HOUR, { impressions: 1000, clicks: 10 }),
      row('c', 'default', NOW - HOUR, { impressions: 1000, clicks: 10 }),
    ];
    const flat = mean(prior(computePriors(catalog, rows, NOW, method()), 'a').ctr);
    const discounted = mean(prior(computePriors(catalog, rows, NOW, method({ halfLifeDays: 14 })), 'a').ctr);
    expect(flat).toBeCloseTo(0.055, 2);
    // The old period weighs half: (0.5 × 0.1 + 1 × 0.01) / 1.5 = 0.04.
    expect(discounted).toBeCloseTo(0.04, 2);
  });

  it('keeps noisy counts within what they could be', () => {
    const rows = [
      row('a', 'default', NOW - DAY, { impressions: -5, clicks: 3, variance: { impressions: 100, clicks: 10 } }),
      row('c', 'default', NOW - DAY, { impressions: 10, clicks: 20, variance: { impressions: 100, clicks: 10 } }),
    ];
    const priors = computePriors(catalog, rows, NOW, method());
    for (const p of priors) {
      for (const b of [p.ctr, p.cvr]) {
        expect(b.alpha).toBeGreaterThan(0);
        expect(b.beta).toBeGreaterThan(0);
        expect(Number.isFinite(b.alpha + b.beta)).toBe(true);
      }
    }
    expect(mean(prior(priors, 'c').ctr)).toBeLessThanOrEqual(1);
  });
});
