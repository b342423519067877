import { describe, expect, it } from 'vitest';
import { shareChecks } from '../../server/priors/shares';
import type { StoredPriors, WindowRow } from '../../server/store';
import { priorsJson, type Priors } from '../../src/protocol/priors';
import type { Arm } from '../../src/protocol/decision';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1);
const learning = { attributionWindowHours: 24, slots: { a: 'hero' }, priorsKey: 'unused', variantsLearn: ['a'] };

/** A kept document whose priors make `best` the all but certain winner of offer a's two variants. */
function doc(computedAt: number, best: 'default' | 'b', everyMs = HOUR): StoredPriors {
  const strong = { alpha: 500, beta: 9_500, basis: 'own' as const };
  const weak = { alpha: 100, beta: 9_900, basis: 'own' as const };
  const priors: Priors = {
    v: 1,
    site: 'shop',
    catalog: 'c1',
    version: new Date(computedAt).toISOString(),
    computedAt,
    validUntil: computedAt + 4 * everyMs,
    method: { periodMs: everyMs, halfLifeDays: 14, minImpressions: 100, k: 20, floor: 0.01 },
    priors: (['default', 'b'] as const).map((variant) => ({ offer: 'a', variant, ctr: variant === best ? strong : weak, cvr: { alpha: 1, beta: 1, basis: 'none' as const } })),
  };
  return { site: 'shop', version: priors.version, catalog: 'c1', computedAt, document: JSON.stringify({ signed: priorsJson(priors), signature: 'not checked here' }) };
}

function rows(windowStart: number, windowMs: number, impressions: Record<string, number>, arm: Arm = 'personalized'): WindowRow[] {
  return Object.entries(impressions).map(([variant, n]) => ({
    windowStart,
    windowMs,
    catalog: 'c1',
    offer: 'a',
    variant,
    arm,
    reports: 50,
    noisyReports: 0,
    impressions: n,
    clicks: 0,
    dismissals: 0,
    conversions: 0,
    revenue: 0,
    variance: { impressions: 0, clicks: 0, dismissals: 0, conversions: 0, revenue: 0 },
  }));
}

describe('the variant shares the priors implied', () => {
  it('expects the floor for a variant that all but surely loses, and calls no mismatch when the devices drew so', () => {
    const [check] = shareChecks(learning, [doc(T0, 'b')], rows(T0, HOUR, { default: 12, b: 988 }));
    expect(check!.variants).toEqual(['default', 'b']);
    expect(check!.implied[0]).toBeCloseTo(0.01, 3);
    expect(check!.implied[1]).toBeCloseTo(0.99, 3);
    expect(check!.observed).toEqual([0.012, 0.988]);
    expect(check!.warning).toBe(false);
  });

  it('calls a mismatch when the shares are far from what the priors implied', () => {
    const [check] = shareChecks(learning, [doc(T0, 'b')], rows(T0, HOUR, { default: 500, b: 500 }));
    expect(check!.pValue).toBeLessThan(1e-9);
    expect(check!.warning).toBe(true);
  });

  it('weights the documents in force during a window by how long each was', () => {
    const history = Array.from({ length: 24 }, (_, h) => doc(T0 + h * HOUR, h % 2 ? 'b' : 'default'));
    const [check] = shareChecks(learning, history, rows(T0, 24 * HOUR, { default: 5_000, b: 5_000 }));
    expect(check!.implied[0]).toBeCloseTo(0.5, 2);
    expect(check!.warning).toBe(false);
  });

  it('checks only windows the kept priors cover whole, and counts no baseline impressions', () => {
    expect(shareChecks(learning, [doc(T0 + HOUR / 2, 'b')], rows(T0, HOUR, { default: 12, b: 988 }))).toEqual([]);
    const [check] = shareChecks(learning, [doc(T0, 'b')], [...rows(T0, HOUR, { default: 12, b: 988 }), ...rows(T0, HOUR, { default: 500, b: 500 }, 'baseline')]);
    expect(check!.impressions).toBe(1_000);
    expect(shareChecks({ ...learning, variantsLearn: [] }, [doc(T0, 'b')], rows(T0, HOUR, { default: 12, b: 988 }))).toEqual([]);
  });
});
