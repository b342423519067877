import { describe, expect, it } from 'vitest';
import { LOOP_DEFAULTS, LOOP_POLICIES, runPolicy } from '../../server/simulate/closed-loop';
import { groundTruth, loopCatalog, oracleChoice, INTERESTS } from '../../server/simulate/ground-truth';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const policy = (name: string) => LOOP_POLICIES.find((p) => p.name === name)!;

describe('the closed learning loop', () => {
  it("has a ground truth spread as a real shop's, 1% to 5% click-through, with one best arm per interest", () => {
    const truth = groundTruth(loopCatalog(), 7);
    const rates = truth.flatMap((t) => INTERESTS.map((i) => t.ctr[i]));
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(0.01);
    expect(Math.max(...rates)).toBeLessThanOrEqual(0.05);
    expect(truth).toHaveLength(loopCatalog().offers.reduce((n, o) => n + o.variants.length, 0));
    const oracle = oracleChoice(truth);
    for (const i of INTERESTS) expect(Math.max(...truth.map((t) => t.ctr[i]))).toBe(oracle[i].ctr[i]);
  });

  it("learns from its own reports fed back as priors: more clicks than today's ranking and uniform allocation, fewer than the oracle", async () => {
    const options = { ...LOOP_DEFAULTS, days: 4, devicesPerDay: 1_000 };
    const [oracle, uniform, fixed, learning] = await Promise.all(
      ['oracle', 'uniform allocation', "today's ranking (no learning)", 'learning, hourly priors'].map((name) => runPolicy(policy(name), options)),
    );
    expect(learning!.priorsVersions).toBe(4 * 24);
    const late = (r: typeof oracle) => sum(r!.clicks.slice(2));
    expect(late(learning)).toBeGreaterThan(1.05 * late(fixed));
    expect(late(fixed)).toBeGreaterThan(late(uniform));
    expect(late(oracle)).toBeGreaterThan(late(learning));
  }, 120_000);
});
