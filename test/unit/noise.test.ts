import { describe, expect, it } from 'vitest';
import { addNoise } from '../../src/protocol/noise';
import { alphaOf, geometric, noiseVariance } from '../../src/protocol/geometric-noise';
import { validateReport, type Report } from '../../src/protocol/report';
import { reportCell, report as aReport } from '../fixtures/report';
import { generator } from '../../worker/random';

const report: Report = aReport({ id: 'f'.repeat(32), windowStart: '2026-11-22T00:00:00.000Z', catalog: 'c', cells: [reportCell('o', 'default', 'personalized', { impressions: 4, clicks: 1 })] });

describe('local noise (two-sided geometric)', () => {
  it('has mean 0 and the documented variance', () => {
    const random = generator(7);
    const alpha = alphaOf(1, 10);
    const draws = Array.from({ length: 50_000 }, () => geometric(alpha, random));
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / draws.length;
    const expected = noiseVariance(1, 10);
    expect(Math.abs(mean)).toBeLessThan(0.5);
    expect(variance / expected).toBeGreaterThan(0.9);
    expect(variance / expected).toBeLessThan(1.1);
  });

  it('noises every counter, says so, and stays a valid report', () => {
    const random = generator(11);
    for (const epsilon of [0.5, 1, 4]) {
      for (let i = 0; i < 200; i++) {
        const noisy = addNoise(report, epsilon, random);
        expect(noisy.noise).toEqual({ mechanism: 'geometric', epsilon });
        expect(validateReport(JSON.parse(JSON.stringify(noisy)))).toEqual(noisy);
      }
    }
  });

  it('gives unbiased totals over many devices', () => {
    const random = generator(3);
    let sum = 0;
    const devices = 20_000;
    for (let d = 0; d < devices; d++) sum += addNoise(report, 2, random).cells[0]!.clicks;
    // The truth is 20,000 clicks; the noise's standard deviation over the sum is
    // sqrt(20,000 × variance) ≈ 1,000: four of them is a bound a biased mechanism would break.
    const sd = Math.sqrt(devices * noiseVariance(2, 10));
    expect(sd).toBeGreaterThan(900);
    expect(Math.abs(sum - devices)).toBeLessThan(4 * sd);
  });
});
