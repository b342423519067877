/**
 * Area 2 of `npm run bench`: the main-thread cost of tracking. bench/tracking/tracking.html loads one
 * SDK as a shop pastes it and sends 10,000 product-view events through its own call:
 * `vitrine('track', …)` (with its Worker, and with the in-thread engine), Segment's
 * `analytics.track(…)` and `posthog.capture(…)`, both sending to the bench's sink; the same page
 * without an SDK is the floor (what the engine itself runs meanwhile). A run in which a peer sent
 * nothing to the sink fails, so a misconfigured peer cannot look cheap. Also: how many events
 * per second reach IndexedDB through Vitrine's batching, against one transaction per event.
 */
import type { Engine } from '../../tools/engines/browsers';
import { browserArea, engineLabel } from '../shared/browser-area';
import { baselineOf, figure, packageVersion, type Figure } from '../shared/results';
import type { SinkCounts } from '../shared/serve';

const CALLS = 10_000;
const REPETITIONS = 3;
const STORED_EVENTS = 5_000;

/** The SDKs of bench/tracking/tracking.js, and how the report names them. */
const SDKS = {
  vitrine: "Vitrine, vitrine('track', …)",
  'vitrine-inline': "Vitrine, vitrine('track', …), in-thread engine",
  segment: 'Segment analytics-next, analytics.track(…)',
  posthog: 'posthog-js, posthog.capture(…)',
  none: 'no SDK (the page’s floor)',
} as const;
type Sdk = keyof typeof SDKS;
/** The peers, whose events go to the sink. */
const PEERS: readonly Sdk[] = ['segment', 'posthog'];

/** What bench/tracking/tracking.js returns for one run. */
interface TrackingRun {
  calls: number;
  callsMs: number;
  deferredMs: number;
  totalMs: number;
  p99Us: number;
  longTasks: number;
  otherTasks: number;
}
interface StoredRun {
  perSecond: number;
}
interface Raw {
  runs: Record<Sdk, TrackingRun[]>;
  requests: Partial<Record<Sdk, number>>;
  batched: StoredRun[];
  perEvent: StoredRun[];
}

/**
 * Waits until the sink has heard nothing from an SDK for a second (at most two minutes): a
 * peer may still be sending what it queued when its run ends, and a page left while thousands
 * of requests are in flight can hold up the next navigation (Firefox). What it does meanwhile
 * is not counted in its figures.
 */
async function quiet(sink: SinkCounts, name: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let last = -1;
  while (Date.now() < deadline) {
    const now = sink[name]?.requests ?? 0;
    if (now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

export const TRACKING = browserArea<Raw>({
  id: '2-tracking',
  title: 'Main-thread cost of tracking',
  about:
    `${CALLS.toLocaleString('en-US')} product-view events per run through each SDK’s own call on the same product page, in tasks of 10 calls posted back to back, then 3 s of empty tasks so that deferred work counts too. ` +
    '“In all” is the time of the calls plus every other task that ran on the main thread meanwhile (timers, network callbacks, the engine’s messages); on this 2-core machine it also holds the time a busy Worker or network thread took the core away, so for Vitrine it is an upper bound. ' +
    'A peer still sending when the 3 s end (Segment sends one request per event) is let finish before the next page, uncounted: its figures are lower bounds. ' +
    '“No SDK” is the same page without one: what the engine runs anyway. p99 per call: over the tasks of 10 calls. Long tasks: tasks or gaps over 50 ms. Peers send to a local sink; Vitrine stores in IndexedDB. Baseline: Vitrine with its Worker, same engine. ' +
    'Last rows: events per second reaching IndexedDB through Vitrine’s batching against one transaction per event.',
  versions: () => ({ '@segment/analytics-next': packageVersion('@segment/analytics-next'), 'posthog-js': packageVersion('posthog-js') }),

  async measure({ run, sink }) {
    const runs = Object.fromEntries(Object.keys(SDKS).map((s) => [s, []])) as unknown as Raw['runs'];
    const requests: Raw['requests'] = {};
    for (let rep = 0; rep < REPETITIONS; rep++) {
      for (const sdk of Object.keys(SDKS) as Sdk[]) {
        const [name, engine] = sdk.split('-') as [string, string | undefined];
        const before = sink[name]?.requests ?? 0;
        const result = await run<TrackingRun>(`tracking/tracking.html?sdk=${name}${engine ? `&engine=${engine}` : ''}`, { calls: CALLS });
        if (PEERS.includes(sdk)) await quiet(sink, name);
        const sent = (sink[name]?.requests ?? 0) - before;
        if (PEERS.includes(sdk) && sent === 0) throw new Error(`${SDKS[sdk]} sent nothing to the sink: it did not really track`);
        runs[sdk].push(result);
        requests[sdk] = sent;
      }
    }
    const batched: StoredRun[] = [];
    const perEvent: StoredRun[] = [];
    for (let rep = 0; rep < REPETITIONS; rep++) {
      batched.push(await run<StoredRun>('tracking/track.html', { events: STORED_EVENTS, batch: 'default' }));
      perEvent.push(await run<StoredRun>('tracking/track.html', { events: STORED_EVENTS, batch: 'one' }));
    }
    return { runs, requests, batched, perEvent };
  },

  figures(engine: Engine, raw: Raw): Figure[] {
    const label = engineLabel(engine);
    const vitrine = raw.runs.vitrine;
    const of = (sdk: Sdk, pick: (r: TrackingRun) => number) => raw.runs[sdk].map(pick);
    const base = (what: string, pick: (r: TrackingRun) => number) => baselineOf(`${label}: ${SDKS.vitrine}, ${what}`, vitrine.map(pick));
    const figures: Figure[] = [];
    for (const sdk of Object.keys(SDKS) as Sdk[]) {
      const name = `${label}: ${SDKS[sdk]}${PEERS.includes(sdk) ? ` (${raw.requests[sdk]} requests in the last run)` : ''}`;
      figures.push(
        figure(
          `${name}, main thread in all`,
          'ms',
          of(sdk, (r) => r.totalMs),
          base('main thread in all', (r) => r.totalMs),
        ),
        figure(
          `${name}, in the calls`,
          'ms',
          of(sdk, (r) => r.callsMs),
          base('in the calls', (r) => r.callsMs),
        ),
        figure(
          `${name}, p99 per call`,
          'µs',
          of(sdk, (r) => r.p99Us),
          base('p99 per call', (r) => r.p99Us),
        ),
        figure(
          `${name}, long tasks`,
          '',
          of(sdk, (r) => r.longTasks),
          base('long tasks', (r) => r.longTasks),
        ),
      );
    }
    const perEvent = baselineOf(
      `${label}: one transaction per event`,
      raw.perEvent.map((r) => r.perSecond),
    );
    figures.push(
      figure(
        `${label}: Vitrine, events stored per second, batched`,
        'events/s',
        raw.batched.map((r) => r.perSecond),
        perEvent,
      ),
      figure(
        `${label}: Vitrine, events stored per second, one transaction per event`,
        'events/s',
        raw.perEvent.map((r) => r.perSecond),
        perEvent,
      ),
    );
    return figures;
  },
});
