import { describe, expect, it } from 'vitest';
import { figure } from '../../bench/shared/results';

// The figures of bench/RESULTS.md: repetitions, min, median, max, and the ratio to a baseline.

describe('bench figures', () => {
  it('summarises repeated measurements and compares the median with the baseline', () => {
    const f = figure('decide p50', 'ms', [5, 1, 3, 2, 4], { name: 'dot product', median: 2 });
    expect(f).toEqual({ name: 'decide p50', unit: 'ms', reps: 5, min: 1, median: 3, max: 5, baseline: { name: 'dot product', median: 2 }, ratio: 1.5 });
  });

  it('takes the middle of an even count, and one exact measurement as it is', () => {
    expect(figure('x', 'ms', [4, 1, 3, 2], { name: 'b', median: 1 }).median).toBe(2.5);
    expect(figure('bytes', 'B', [10_673], { name: 'b', median: 10_673 })).toMatchObject({ reps: 1, min: 10_673, max: 10_673, ratio: 1 });
  });
});
