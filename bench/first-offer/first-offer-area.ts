/**
 * Area 3 of `npm run bench`: time to first offer on a cold page (bench/first-offer/first-offer.html). A
 * first visit accepts and leaves the catalog in IndexedDB; then each load runs from the page's
 * first script to the frame after the offer is in the page, with the Worker and with the
 * in-thread engine, followed by 100 warm `decide()` calls. The peer line is GrowthBook: its
 * browser bundle evaluating one feature from a payload in the page, the value written into the
 * same element.
 */
import type { Engine } from '../../tools/engines/browsers';
import { browserArea, engineLabel, type RunPage } from '../shared/browser-area';
import { baselineOf, figure, packageVersion, type Figure } from '../shared/results';

const REPETITIONS = 10;

/** The page's modes, and how the report names them. */
const MODES = {
  worker: 'Vitrine with its Worker',
  inline: 'Vitrine, in-thread engine',
  growthbook: 'GrowthBook, one feature from a local payload',
} as const;
type Mode = keyof typeof MODES;

interface FirstOfferRun {
  firstMs: number;
  engine: string;
  warmP95Ms: number;
  /** The same after 1,000 calls, once the optimizing compilers are done with the call's code. */
  settledP95Ms: number;
  /** With the Worker: p95 of a round trip to a Worker that answers at once, in the same page. */
  bareRoundTripP95Ms?: number;
  /** Vitrine: when each step of the cold start ended, in ms from the page's first script. */
  timeline?: Timeline;
}

/** The steps of Vitrine's cold start, in order, and how the report names them. */
const STEPS = {
  sdkFetched: 'vitrine.js fetched',
  sdkRan: 'vitrine.js has run',
  engineFetched: 'the engine’s script fetched',
  ready: 'the engine ready (`ready` fires)',
  painted: 'the offer painted',
} as const;
type Timeline = Record<keyof typeof STEPS, number | null>;
/** The same steps before issue 22 (Chromium, one cold load, as the issue gives them; the engine’s fetch was not taken apart then). */
const BEFORE_ISSUE_22: Partial<Timeline> = { sdkRan: 36, ready: 81, painted: 86 };
/**
 * Chromium only: the Worker's loads again in a second Chromium with V8's mid-tier compiler
 * (Maglev) off. A diagnostic, since no page can set it: on a two-core machine most of the warm
 * window's slow calls come while Maglev compiles the call's code (V8's code log shows about 25
 * of the decide path's functions compiled in those calls, and none deoptimized).
 */
const WITHOUT_MAGLEV = ['--js-flags=--no-maglev'];
type Raw = Record<Mode, FirstOfferRun[]> & { workerWithoutMaglev?: FirstOfferRun[] };

const pageOf = (mode: Mode) => (mode === 'growthbook' ? 'first-offer/first-offer.html?sdk=growthbook' : `first-offer/first-offer.html?sdk=vitrine&engine=${mode}`);

/** The cold start step by step, each against GrowthBook's first value. */
function timelineFigures(name: string, runs: FirstOfferRun[], first: { name: string; median: number }): Figure[] {
  return (Object.keys(STEPS) as (keyof typeof STEPS)[]).flatMap((step) => {
    const values = runs.map((r) => r.timeline?.[step]).filter((t): t is number => typeof t === 'number');
    const before = BEFORE_ISSUE_22[step];
    return values.length ? [figure(`${name}, timeline: ${STEPS[step]}${before === undefined ? '' : ` (before issue 22: ~${before} ms)`}`, 'ms', values, first)] : [];
  });
}

/** The first visit: the shopper accepts, and the catalog and the slot's offer are kept. */
async function visitFirst(run: RunPage): Promise<void> {
  const setup = await run<{ catalogVersion: string | null }>('first-offer/first-offer.html?sdk=vitrine&phase=setup');
  if (!setup.catalogVersion) throw new Error('the first visit kept no catalog: the loads after it would not start from a cached one');
}

/** One cold load of a mode's page, checked to have run the engine it asked for. */
async function load(run: RunPage, mode: Mode): Promise<FirstOfferRun> {
  const result = await run<FirstOfferRun>(pageOf(mode));
  if (mode !== 'growthbook' && result.engine !== mode) throw new Error(`${MODES[mode]}: the page ran the ${result.engine} engine`);
  return result;
}

export const FIRST_OFFER = browserArea<Raw>({
  id: '3-first-offer',
  title: 'Time to first offer',
  about:
    `A cold page load (new page, new engine) with the catalog kept by an earlier visit: from the page’s first script to the frame after the offer is in the page; ${REPETITIONS} loads per line, alternating. ` +
    'Warm p95: 100 calls one after another, once the page has settled (1 s after the first offer) and after 10 calls that warm the code up, `decide()` for Vitrine (a round trip to the engine, the ranking), `getFeatureValue()` for GrowthBook (synchronous, in the page). Baseline: GrowthBook, same engine. ' +
    'Settled p95: 100 more calls timed the same way once 1,000 have run: while the first hundreds run, the browser compiles their code on other threads, which on two cores take turns with the engine’s, and Chromium compiles most of a call’s functions together around the 500th call (it waits 500 calls after a function’s inline caches last changed). ' +
    'A returning shopper’s offer is painted from the page’s copy of the slot’s last offers as soon as vitrine.js has run, before the engine has started; the engine’s answer confirms it. ' +
    'The timeline gives, for each load, when each step of Vitrine’s cold start ended (resource timing for the fetches, the script’s load event, the `ready` callback, the frame after the offer), beside the figures issue 22 started from. ' +
    'The bare Worker round trip (100 messages of the size of a `decide()` call to a Worker that sends each straight back, in the same page after the warm calls, timed the same way) is the floor of any call to an engine in a Worker; its line is also beside GrowthBook. ' +
    'In Chromium, the Worker’s loads run once more in a second Chromium launched with V8’s mid-tier compiler off (`--js-flags=--no-maglev`): a diagnostic no page can set, which shows how much of the warm p95 is the browser compiling the call’s code on other threads while the calls run.',
  versions: () => ({ '@growthbook/growthbook': packageVersion('@growthbook/growthbook') }),

  async measure({ engine, run, inChromiumWith }) {
    const raw: Raw = { worker: [], inline: [], growthbook: [] };
    await visitFirst(run);
    for (let rep = 0; rep < REPETITIONS; rep++) {
      for (const mode of Object.keys(MODES) as Mode[]) raw[mode].push(await load(run, mode));
    }
    if (engine === 'chromium') {
      raw.workerWithoutMaglev = await inChromiumWith(WITHOUT_MAGLEV, async (again) => {
        await visitFirst(again);
        const runs: FirstOfferRun[] = [];
        for (let rep = 0; rep < REPETITIONS; rep++) runs.push(await load(again, 'worker'));
        return runs;
      });
    }
    return raw;
  },

  figures(engine: Engine, raw: Raw): Figure[] {
    const label = engineLabel(engine);
    const first = baselineOf(
      `${label}: ${MODES.growthbook}, first value painted`,
      raw.growthbook.map((r) => r.firstMs),
    );
    const warm = baselineOf(
      `${label}: ${MODES.growthbook}, warm p95`,
      raw.growthbook.map((r) => r.warmP95Ms),
    );
    const settled = baselineOf(
      `${label}: ${MODES.growthbook}, settled p95`,
      raw.growthbook.map((r) => r.settledP95Ms),
    );
    return (Object.keys(MODES) as Mode[]).flatMap((mode) => [
      figure(
        `${label}: ${MODES[mode]}, first ${mode === 'growthbook' ? 'value' : 'offer'} painted`,
        'ms',
        raw[mode].map((r) => r.firstMs),
        first,
      ),
      figure(
        `${label}: ${MODES[mode]}, warm ${mode === 'growthbook' ? 'getFeatureValue()' : 'decide()'} p95`,
        'ms',
        raw[mode].map((r) => r.warmP95Ms),
        warm,
      ),
      figure(
        `${label}: ${MODES[mode]}, settled ${mode === 'growthbook' ? 'getFeatureValue()' : 'decide()'} p95 (after 1,000 calls)`,
        'ms',
        raw[mode].map((r) => r.settledP95Ms),
        settled,
      ),
      ...(mode === 'worker'
        ? [
            figure(
              `${label}: a bare Worker round trip (the floor of any engine call), p95`,
              'ms',
              raw.worker.map((r) => r.bareRoundTripP95Ms!),
              warm,
            ),
          ]
        : []),
      ...(mode === 'growthbook' ? [] : timelineFigures(`${label}: ${MODES[mode]}`, raw[mode], first)),
      ...(mode === 'worker' && raw.workerWithoutMaglev
        ? [
            figure(
              `${label}: ${MODES.worker}, warm decide() p95 with V8's Maglev compiler off (a diagnostic: no page can turn it off)`,
              'ms',
              raw.workerWithoutMaglev.map((r) => r.warmP95Ms),
              warm,
            ),
          ]
        : []),
    ]);
  },
});
