import { afterEach, describe, expect, it, vi } from 'vitest';
import { chanceToBeat, compareCtr, holdoutStats, offerStats, type CtrEvidence } from '../../server/stats';
import { chiSquareTail } from '../../server/distributions';
import type { StatRow } from '../../server/store';
import { generator } from '../../worker/random';

const exact = (impressions: number, clicks: number): CtrEvidence => ({ impressions, clicks, noiseVariance: 0 });

/** A Gamma(shape ≥ 1) draw (Marsaglia and Tsang), from a seeded uniform source. */
function gamma(shape: number, uniform: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    // Box-Muller; 1 - u keeps the logarithm finite.
    const z = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
    const v = (1 + c * z) ** 3;
    if (v > 0 && Math.log(1 - uniform()) < (z * z) / 2 + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** P(variant CTR > control CTR) by seeded Monte Carlo over the same Beta posteriors. */
function monteCarlo(variant: CtrEvidence, control: CtrEvidence, draws: number, seed: number): number {
  const uniform = generator(seed);
  const beta = (e: CtrEvidence) => {
    const x = gamma(1 + e.clicks, uniform);
    return x / (x + gamma(1 + e.impressions - e.clicks, uniform));
  };
  let wins = 0;
  for (let i = 0; i < draws; i++) if (beta(variant) > beta(control)) wins++;
  return wins / draws;
}

afterEach(() => vi.restoreAllMocks());

describe('chance to beat (Beta-Binomial)', () => {
  it('matches closed forms for small counts', () => {
    // Beta(2, 1) against Beta(1, 1): ∫ 2x · x dx = 2/3; Beta(3, 1): 3/4; Beta(1, 3): ∫ 3(1 − x)² x dx = 1/4.
    expect(chanceToBeat(exact(1, 1), exact(0, 0))).toBeCloseTo(2 / 3, 12);
    expect(chanceToBeat(exact(2, 2), exact(0, 0))).toBeCloseTo(3 / 4, 12);
    expect(chanceToBeat(exact(2, 0), exact(0, 0))).toBeCloseTo(1 / 4, 12);
    expect(chanceToBeat(exact(0, 0), exact(0, 0))).toBeCloseTo(1 / 2, 12);
  });

  it.each([
    ['nothing yet', 0, 0],
    ['a small test', 40, 3],
    ['a busy offer', 50_000, 1_500],
    ['clicks on most impressions', 60, 57],
    ['beyond the exact sum (normal approximation)', 2_000_000, 900_000],
  ])('gives 0.5 for equal data: %s', (_, impressions, clicks) => {
    expect(chanceToBeat(exact(impressions, clicks), exact(impressions, clicks))).toBeCloseTo(0.5, 6);
  });

  it('is near 1 for a clear winner and near 0 for a clear loser', () => {
    expect(chanceToBeat(exact(10_000, 500), exact(10_000, 300))).toBeGreaterThan(0.9999);
    expect(chanceToBeat(exact(10_000, 300), exact(10_000, 500))).toBeLessThan(0.0001);
  });

  // Each case takes another branch: the sum over the variant's or the control's clicks, over
  // either's non-clicks (mirrored), or the normal approximation past 20,000 terms.
  const CASES: [string, CtrEvidence, CtrEvidence][] = [
    ['variant clicks fewest', exact(900, 20), exact(1000, 31)],
    ['control clicks fewest', exact(1000, 31), exact(900, 20)],
    ['variant non-clicks fewest', exact(50, 47), exact(70, 62)],
    ['control non-clicks fewest', exact(70, 62), exact(50, 47)],
    ['large counts', exact(1_000_000, 30_200), exact(1_000_000, 30_000)],
    ['a close call', exact(2_000, 64), exact(2_100, 63)],
  ];

  it.each(CASES)('adds up to 1 with the comparison the other way round: %s', (_, a, b) => {
    expect(chanceToBeat(a, b) + chanceToBeat(b, a)).toBeCloseTo(1, 9);
  });

  it.each(CASES)('agrees with a seeded Monte Carlo of the same posteriors: %s', (_, a, b) => {
    // 100,000 draws: a standard error of at most 0.0016, so 0.006 is nearly four of them (and the seed is fixed).
    expect(Math.abs(chanceToBeat(a, b) - monteCarlo(a, b, 100_000, 20261122))).toBeLessThan(0.006);
  });

  it('hands over to the normal approximation without a jump', () => {
    // Below 20,000 clicks on both sides the sum is exact; above, approximated. The same gap of
    // 100 clicks in 400,000 impressions gives nearly the same chance either way (z ≈ 0.51).
    const below = chanceToBeat(exact(400_000, 19_950), exact(400_000, 19_850));
    const above = chanceToBeat(exact(400_000, 20_100), exact(400_000, 20_000));
    expect(below).toBeGreaterThan(0.65);
    expect(below).toBeLessThan(0.75);
    expect(Math.abs(above - below)).toBeLessThan(0.003);
  });

  it('is less sure when local noise makes the counts estimates', () => {
    const sure = chanceToBeat(exact(5_000, 200), exact(5_000, 160));
    const noisy = chanceToBeat({ impressions: 5_000, clicks: 200, noiseVariance: 2e-5 }, { impressions: 5_000, clicks: 160, noiseVariance: 2e-5 });
    expect(sure).toBeGreaterThan(0.97);
    expect(noisy).toBeGreaterThan(0.5);
    expect(noisy).toBeLessThan(sure);
  });

  it('keeps noisy counts within what is possible', () => {
    expect(chanceToBeat({ impressions: -3, clicks: 5, noiseVariance: 1e-4 }, exact(0, 0))).toBeCloseTo(0.5, 6);
    expect(chanceToBeat(exact(10, 14), exact(10, 10))).toBeCloseTo(0.5, 6);
  });

  it('draws no random number: the page is the same on every load', () => {
    vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('Math.random was called');
    });
    expect(chanceToBeat(exact(900, 20), exact(1000, 31))).toBe(chanceToBeat(exact(900, 20), exact(1000, 31)));
    expect(chanceToBeat(exact(1_000_000, 30_200), exact(1_000_000, 30_000))).toBeGreaterThan(0.5);
  });
});

describe('chiSquareTail', () => {
  it.each([
    [3.841459, 1, 0.05],
    [5.991465, 2, 0.05],
    [7.814728, 3, 0.05],
    [9.487729, 4, 0.05],
    [11.070498, 5, 0.05],
    [23.209251, 10, 0.01],
    [10.827566, 1, 0.001],
  ])('gives P(χ² ≥ %f) with %i degrees of freedom as the tables do (%f)', (x, df, p) => {
    expect(chiSquareTail(x, df)).toBeCloseTo(p, 6);
  });

  it('is 1 at 0 and falls as the statistic grows', () => {
    expect(chiSquareTail(0, 3)).toBe(1);
    expect(chiSquareTail(50, 3)).toBeLessThan(1e-9);
  });
});

describe('compareCtr', () => {
  it('gives the relative uplift inside its 95% interval, with the chance to beat', () => {
    const c = compareCtr(exact(1000, 60), exact(1000, 40));
    expect(c.uplift).toBeCloseTo(0.5, 12);
    // 0.5 ± 1.96 · sqrt(Var(p) / p_c² + p² Var(p_c) / p_c⁴), the delta method on 0.06 / 0.04,
    // each variance at (clicks + 1) / (impressions + 2).
    const [pv, pc] = [61 / 1002, 41 / 1002];
    const se = Math.sqrt((pv * (1 - pv)) / 1000 / 0.04 ** 2 + (pv ** 2 * ((pc * (1 - pc)) / 1000)) / 0.04 ** 4);
    expect(c.ci95![0]).toBeCloseTo(0.5 - 1.959964 * se, 9);
    expect(c.ci95![1]).toBeCloseTo(0.5 + 1.959964 * se, 9);
    expect(c.chanceToBeat).toBeCloseTo(chanceToBeat(exact(1000, 60), exact(1000, 40)), 12);
    expect(c.chanceToBeat).toBeGreaterThan(0.97);
  });

  it("counts the control's own uncertainty: a small control gives a wide interval", () => {
    // 10% against 5% measured on 100 impressions only: the ratio 2 could well be 1.
    const c = compareCtr(exact(1000, 100), exact(100, 5));
    expect(c.uplift).toBeCloseTo(1, 12);
    const [pv, pc] = [101 / 1002, 6 / 102];
    const se = Math.sqrt((pv * (1 - pv)) / 1000 / 0.05 ** 2 + (pv ** 2 * ((pc * (1 - pc)) / 100)) / 0.05 ** 4);
    expect(c.ci95![0]).toBeCloseTo(1 - 1.959964 * se, 9);
    expect(c.ci95![0]).toBeLessThan(0);
    expect(c.ci95![1]).toBeGreaterThan(2.7);
  });

  it('gives a variant without a click yet an interval of some width, not a certain −100%', () => {
    const c = compareCtr(exact(200, 0), exact(200, 5));
    expect(c.uplift).toBe(-1);
    expect(c.ci95![1] - c.ci95![0]).toBeGreaterThan(0.5);
    expect(c.ci95![1]).toBeGreaterThan(-1);
  });

  it('centres the interval on 0 for equal data', () => {
    const c = compareCtr(exact(500, 25), exact(500, 25));
    expect(c.uplift).toBe(0);
    expect(c.ci95![0]).toBeCloseTo(-c.ci95![1], 12);
    expect(c.chanceToBeat).toBeCloseTo(0.5, 9);
  });

  it('gives no uplift while the control has no clicks, but still a chance to beat', () => {
    const c = compareCtr(exact(100, 4), exact(100, 0));
    expect(c).toMatchObject({ uplift: null, ci95: null });
    expect(c.chanceToBeat).toBeGreaterThan(0.9);
  });
});

const NO_NOISE = { impressions: 0, clicks: 0, dismissals: 0, conversions: 0, revenue: 0 };
const row = (patch: Partial<StatRow>): StatRow => ({
  catalog: 'c',
  offer: 'o',
  variant: 'default',
  arm: 'personalized',
  reports: 100,
  impressions: 0,
  clicks: 0,
  dismissals: 0,
  conversions: 0,
  revenue: 0,
  noisyReports: 0,
  variance: NO_NOISE,
  ...patch,
});

describe('offerStats', () => {
  it('compares each content variant with its offer default, and only then', () => {
    const offers = offerStats([
      row({ variant: 'default', impressions: 1000, clicks: 40 }),
      row({ variant: 'b', impressions: 1000, clicks: 60 }),
      row({ offer: 'alone', variant: 'x', impressions: 100, clicks: 5 }),
    ]);
    const by = (offer: string, variant: string) => offers.find((o) => o.offer === offer && o.variant === variant)!;
    expect(by('o', 'default').vsDefault).toBeNull();
    expect(by('alone', 'x').vsDefault).toBeNull();
    expect(by('o', 'b').vsDefault).toEqual(compareCtr(exact(1000, 60), exact(1000, 40)));
  });
});

describe('holdoutStats', () => {
  it('gives the chance personalized beats baseline next to the uplift interval', () => {
    const clear = holdoutStats([row({ arm: 'personalized', reports: 900, impressions: 90_000, clicks: 4_500 }), row({ arm: 'baseline', reports: 100, impressions: 10_000, clicks: 300 })], 0.9)!;
    expect(clear.chanceToBeat).toBeGreaterThan(0.9999);
    expect(clear.ci95![0]).toBeGreaterThan(0);
    const even = holdoutStats([row({ arm: 'personalized', reports: 900, impressions: 9_000, clicks: 300 }), row({ arm: 'baseline', reports: 100, impressions: 9_000, clicks: 300 })], 0.9)!;
    expect(even.chanceToBeat).toBeCloseTo(0.5, 9);
  });

  it('gives no chance to beat while an arm has no reports', () => {
    expect(holdoutStats([row({ arm: 'personalized', impressions: 100, clicks: 3 })], 0.9)!.chanceToBeat).toBeNull();
  });

  /** The holdout of `personalized` and `baseline` reports under a configured personalized share. */
  const split = (personalized: number, baseline: number, share: number) =>
    holdoutStats([row({ arm: 'personalized', reports: personalized, impressions: 10, clicks: 1 }), row({ arm: 'baseline', reports: baseline, impressions: 10, clicks: 1 })], share)!.srm!;

  it('warns of a sample-ratio mismatch below p = 0.001 only: p ≈ 0.011 is no warning, p ≈ 0.00015 is', () => {
    const mild = split(540, 460, 0.5);
    expect(mild.pValue).toBeCloseTo(0.01141, 4);
    expect(mild.warning).toBe(false);
    const strong = split(560, 440, 0.5);
    expect(strong.pValue).toBeCloseTo(0.000148, 5);
    expect(strong.warning).toBe(true);
  });

  it('compares each arm with its own expected count under an uneven split', () => {
    // 900 of 1,000 under 90/10 is exactly the plan; with the arms' expectations swapped it would be a huge mismatch.
    const planned = split(900, 100, 0.9);
    expect(planned).toEqual({ expectedShare: 0.9, observedShare: 0.9, pValue: 1, warning: false });
    // 870 / 130 under 90/10: χ² = 900/900 + 900/100 = 10, p ≈ 0.0016, no warning; swapped, it would be 0.
    const off = split(870, 130, 0.9);
    expect(off.pValue).toBeCloseTo(0.001565, 5);
    expect(off.warning).toBe(false);
    expect(split(860, 140, 0.9).warning).toBe(true);
  });
});
