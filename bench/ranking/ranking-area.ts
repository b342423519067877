/**
 * Area 6 of `npm run bench`: ranking against its physical limit. In a Worker, the real decide
 * chunk ranks synthetic catalogs of 100 to 10,000 offers with a full profile
 * (bench/ranking/decide-worker.js), against a plain typed-array dot product over as many offers and
 * features. (A warm `decide()` from the page is in area 3.)
 */
import type { Engine } from '../../tools/engines/browsers';
import { browserArea, engineLabel } from '../shared/browser-area';
import { baselineOf, figure, type Figure } from '../shared/results';

const SIZES = [100, 1_000, 10_000];
const ITERATIONS = 200;

interface Ranking {
  size: number;
  features: number;
  /** ms per ranking (each sample the mean of several rankings at small sizes, as for the dot product). */
  times: number[];
  /** ms per ranking of the same catalog with priors (the `learned` feature and drawn variants). */
  learnedTimes: number[];
  /** ms to draw from the priors for every offer (once per priors version). */
  drawMs: number;
  /** ms per dot product over the same offers and features. */
  dots: number[];
}
interface Raw {
  ranking: Ranking[];
}

export const RANKING = browserArea<Raw>({
  id: '6-ranking',
  title: 'Ranking against its physical limit',
  about:
    `decide()’s ranking in a Worker (the decide chunk as shipped: eligibility, caps, features, scoring, exploration, diversity, reasons) over synthetic catalogs, ${ITERATIONS} rankings per size after a warm-up, as ns per offer-feature; ` +
    'baseline: a plain Float64Array dot product over the same number of offers and features, the floor of any linear scorer. ' +
    'The same rankings with priors (every offer learning its rank, a third with a second variant) against without, alternating, and the draws from the priors (once per priors version). Below 100,000 offer-features a sample times several rankings (and dot products) and divides, as one is close to the timer’s resolution. A warm decide() from the page, round trip included, is in “Time to first offer”.',
  versions: () => ({}),

  async measure({ run }) {
    return run<Raw>('ranking/decide.html', { sizes: SIZES, iterations: ITERATIONS });
  },

  figures(engine: Engine, raw: Raw): Figure[] {
    const label = engineLabel(engine);
    const figures: Figure[] = [];
    for (const r of raw.ranking) {
      const perFeature = (ms: number[]) => ms.map((t) => (t * 1e6) / (r.size * r.features));
      const dot = baselineOf(`${label}: dot product, ${r.size.toLocaleString('en-US')} offers`, perFeature(r.dots));
      const without = baselineOf(`${label}: decide() ranking without priors, ${r.size.toLocaleString('en-US')} offers`, r.times);
      figures.push(
        figure(`${label}: decide() ranking, ${r.size.toLocaleString('en-US')} offers, per offer-feature`, 'ns', perFeature(r.times), dot),
        figure(`${label}: dot product, ${r.size.toLocaleString('en-US')} offers, per offer-feature`, 'ns', perFeature(r.dots), dot),
        figure(`${label}: decide() ranking with priors, ${r.size.toLocaleString('en-US')} offers`, 'ms', r.learnedTimes, without),
        figure(`${label}: draws from the priors, ${r.size.toLocaleString('en-US')} offers (once per priors version)`, 'ms', [r.drawMs], without),
      );
    }
    return figures;
  },
});
