/**
 * `npm run accuracy`: simulates devices sending noisy reports and prints how far the
 * collector's totals land from the truth, for a few ε and numbers of devices. Seeded, so the
 * table is the same on every run.
 */
import { addNoise } from '../../src/protocol/noise';
import { alphaOf, geometric, noiseVariance } from '../../src/protocol/geometric-noise';
import { CONTRIBUTION_BOUNDS, type Report } from '../../src/protocol/report';
import { generator } from '../../worker/random';

const random = generator(20261123);
const base: Report = {
  v: 1,
  id: '0'.repeat(32),
  site: 'sim',
  windowStart: '2026-11-22T00:00:00.000Z',
  windowMs: 86_400_000,
  catalog: 'sim',
  noise: { mechanism: 'none' },
  cells: [{ offer: 'o', variant: 'default', arm: 'personalized', impressions: 0, clicks: 0, dismissals: 0, conversions: 0, revenue: 0 }],
};

console.log('Accuracy of debiased totals with local geometric noise (impressions: each device saw 0 to 5; clicks: 0 or 1)');
console.log('   ε   devices   true impressions   relative error (mean |err|)   95% CI half-width   true clicks   relative error');
for (const epsilon of [0.5, 1, 2, 4]) {
  for (const devices of [100, 1_000, 10_000]) {
    const trials = 20;
    let errImp = 0;
    let errClk = 0;
    let trueImp = 0;
    let trueClk = 0;
    for (let t = 0; t < trials; t++) {
      let sumImp = 0;
      let sumClk = 0;
      let realImp = 0;
      let realClk = 0;
      for (let d = 0; d < devices; d++) {
        const impressions = Math.floor(random() * 6);
        const clicks = impressions > 0 && random() < 0.1 ? 1 : 0;
        realImp += impressions;
        realClk += clicks;
        const noisy = addNoise({ ...base, cells: [{ ...base.cells[0]!, impressions, clicks }] }, epsilon, random);
        sumImp += noisy.cells[0]!.impressions;
        sumClk += noisy.cells[0]!.clicks;
      }
      errImp += Math.abs(sumImp - realImp) / realImp;
      errClk += Math.abs(sumClk - realClk) / Math.max(1, realClk);
      trueImp += realImp;
      trueClk += realClk;
    }
    const ci = 1.96 * Math.sqrt(devices * noiseVariance(epsilon, CONTRIBUTION_BOUNDS.impressions));
    const f = (x: number, w: number) => x.toFixed(1).padStart(w);
    console.log(
      `${epsilon.toFixed(1).padStart(4)} ${String(devices).padStart(9)} ${f(trueImp / trials, 18)} ${`${((errImp / trials) * 100).toFixed(1)}%`.padStart(29)} ${f(ci, 19)} ${f(trueClk / trials, 13)} ${`${((errClk / trials) * 100).toFixed(1)}%`.padStart(16)}`,
    );
  }
}
console.log("Noise is per counter: its scale grows with the counter's contribution bound (impressions 50, clicks 10).");

// Central noise (VITRINE_CENTRAL_EPSILON): the collector adds one draw per counter and window,
// at release, instead of every device adding its own: the error no longer grows with the
// number of devices, which is what lets a small shop afford privacy.
console.log('');
console.log("Local against central noise at the same ε: relative error of one day's impressions and clicks (mean |err| over 200 trials)");
console.log('   ε   devices   true impressions   local: impressions   central: impressions   local: clicks   central: clicks');
for (const epsilon of [1]) {
  for (const devices of [100, 1_000, 10_000]) {
    const trials = devices >= 10_000 ? 40 : 200;
    const err = { localImp: 0, centralImp: 0, localClk: 0, centralClk: 0 };
    let trueImp = 0;
    for (let t = 0; t < trials; t++) {
      let realImp = 0;
      let realClk = 0;
      let localImp = 0;
      let localClk = 0;
      for (let d = 0; d < devices; d++) {
        const impressions = Math.floor(random() * 6);
        const clicks = impressions > 0 && random() < 0.1 ? 1 : 0;
        realImp += impressions;
        realClk += clicks;
        localImp += impressions + geometric(alphaOf(epsilon, CONTRIBUTION_BOUNDS.impressions), random);
        localClk += clicks + geometric(alphaOf(epsilon, CONTRIBUTION_BOUNDS.clicks), random);
      }
      const centralImp = realImp + geometric(alphaOf(epsilon, CONTRIBUTION_BOUNDS.impressions), random);
      const centralClk = realClk + geometric(alphaOf(epsilon, CONTRIBUTION_BOUNDS.clicks), random);
      err.localImp += Math.abs(localImp - realImp) / realImp;
      err.centralImp += Math.abs(centralImp - realImp) / realImp;
      err.localClk += Math.abs(localClk - realClk) / Math.max(1, realClk);
      err.centralClk += Math.abs(centralClk - realClk) / Math.max(1, realClk);
      trueImp += realImp;
    }
    const p = (x: number, w: number) => `${((x / trials) * 100).toFixed(2)}%`.padStart(w);
    console.log(
      `${epsilon.toFixed(1).padStart(4)} ${String(devices).padStart(9)} ${(trueImp / trials).toFixed(1).padStart(18)} ${p(err.localImp, 20)} ${p(err.centralImp, 22)} ${p(err.localClk, 15)} ${p(err.centralClk, 17)}`,
    );
  }
}
console.log('Central noise is one draw per counter and window: a day of 100 devices is as accurate as local noise on 10,000.');
