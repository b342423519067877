import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeReports } from '../../server/counters';
import { METRICS, type Report } from '../../src/protocol/report';
import { report as aReport } from '../fixtures/report';
import { addNoise } from '../../src/protocol/noise';
import { generator } from '../../worker/random';

const DOMAIN = [
  ['a', 'default'],
  ['a', 'b'],
  ['b', 'default'],
  ['c', 'default'],
] as const;

/** A report over a run of the domain, as parts are. */
const reportOf = fc
  .record({
    day: fc.integer({ min: 0, max: 2 }),
    arm: fc.constantFrom('personalized', 'baseline', 'contextual' as const),
    start: fc.integer({ min: 0, max: 3 }),
    length: fc.integer({ min: 1, max: 4 }),
    counts: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 20, maxLength: 20 }),
    noisy: fc.boolean(),
  })
  .map(({ day, arm, start, length, counts, noisy }): Report => {
    const cells = DOMAIN.slice(start, start + length).map(([offer, variant], j) => ({
      offer,
      variant,
      arm,
      ...Object.fromEntries(METRICS.map((m, k) => [m, counts[(j * METRICS.length + k) % 20]!])),
    })) as Report['cells'];
    const report = aReport({ site: 's', windowStart: new Date(day * 86_400_000).toISOString(), catalog: 'c', cells });
    return noisy ? addNoise(report, 1, generator(start + length)) : report;
  });

describe('mergeReports', () => {
  it('sums every cell of every report into one row per key, as adding them one by one would', () => {
    fc.assert(
      fc.property(fc.array(reportOf, { maxLength: 30 }), (reports) => {
        const merged = mergeReports(reports);
        const keys = merged.map((r) => `${r.windowStart}|${r.offer}|${r.variant}|${r.arm}`);
        expect(new Set(keys).size).toBe(keys.length);
        for (const row of merged) {
          const cells = reports.flatMap((r) =>
            Date.parse(r.windowStart) === row.windowStart ? r.cells.filter((c) => c.offer === row.offer && c.variant === row.variant && c.arm === row.arm).map((c) => ({ c, r })) : [],
          );
          expect(row.reports).toBe(cells.length);
          expect(row.noisyReports).toBe(cells.filter(({ r }) => r.noise.mechanism !== 'none').length);
          for (const m of METRICS) expect(row[m]).toBe(cells.reduce((s, { c }) => s + c[m], 0));
        }
        expect(merged.reduce((s, r) => s + r.reports, 0)).toBe(reports.reduce((s, r) => s + r.cells.length, 0));
      }),
    );
  });
});
