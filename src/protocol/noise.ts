import { CONTRIBUTION_BOUNDS, METRICS, type Report } from './report';
import { alphaOf, geometric } from './geometric-noise';

/* Local noise on a report's counters; the mechanism and its variance are in ./geometric-noise.ts. */

/**
 * Adds noise to every counter of a report (zeros included, so the noise hides them too).
 * @returns a new report, its `noise` field saying what was done
 */
export function addNoise(report: Report, epsilon: number, random: () => number): Report {
  return {
    ...report,
    noise: { mechanism: 'geometric', epsilon },
    cells: report.cells.map((c) => {
      const out = { ...c };
      for (const m of METRICS) out[m] = c[m] + geometric(alphaOf(epsilon, CONTRIBUTION_BOUNDS[m]), random);
      return out;
    }),
  };
}
