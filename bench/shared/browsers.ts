/**
 * Part of `npm run bench`: the areas measured in the browser (tracking cost, time to first
 * offer, storage growth, ranking), each in Chromium, Firefox and WebKit in the same run, one
 * engine after the other, through the three-engine setup of the end-to-end tests
 * (tools/engines/browsers.ts). Pages come from bench/shared/serve.ts, which also serves the peers'
 * bundles and the sink their events go to. An engine or an area that cannot run is named with
 * the reason, and the run exits non-zero; the others are still saved.
 */
import { ENGINES, type Engine, type ShopBrowser } from '../../tools/engines/browsers';
import { browserPool } from '../../tools/engines/pool';
import type { BrowserArea, BrowserBench, RunPage } from './browser-area';
import { FIRST_OFFER } from '../first-offer/first-offer-area';
import { RANKING } from '../ranking/ranking-area';
import { saveArea, type Figure } from './results';
import { serveRepo, type SinkCounts } from './serve';
import { STORAGE } from '../storage/storage-area';
import { TRACKING } from '../tracking/tracking-area';

type BenchWindow = Window & { benchReady?: boolean; runBench(options: object): Promise<unknown> };

// Storage last: the browser compacts its database after the simulated year for a while, which
// would share the cores with the ranking's timings.
const ALL_AREAS: BrowserArea[] = [TRACKING, FIRST_OFFER, RANKING, STORAGE];
// `node dist/server/browser-bench.mjs webkit 2-tracking` measures one engine and one area only
// (while working on a page): engines and area ids, in any order; none of either means all.
const wanted = process.argv.slice(2);
const AREAS = ALL_AREAS.filter((a) => !wanted.some((w) => ALL_AREAS.some((b) => b.id === w)) || wanted.includes(a.id));
const ENGINES_WANTED = ENGINES.filter((e) => !wanted.some((w) => (ENGINES as readonly string[]).includes(w)) || wanted.includes(e));

const sink: SinkCounts = {};
const server = await serveRepo(process.cwd(), sink);
const address = server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const figures = new Map<string, Figure[]>(AREAS.map((a) => [a.id, []]));
const failures: string[] = [];

/** Opens bench pages in `browser`: each page's `runBench(options)`, once the page says it is ready. */
function pageRunner(browser: ShopBrowser): RunPage {
  return async <T>(page: string, options: object = {}) => {
    try {
      // Firefox may take long to leave a page whose peer SDK still has thousands of requests
      // queued (Segment sends one per event): the next page loads once they are cancelled.
      await browser.goto(`${base}/bench/${page}`, 180_000);
      await browser.waitFor(() => (window as unknown as BenchWindow).benchReady === true, undefined, 30_000);
      return (await browser.evaluate((o) => (window as unknown as BenchWindow).runBench(o), options)) as T;
    } catch (error) {
      throw new Error(`bench/${page}: ${(error as Error).message.split('\n')[0]}`);
    }
  };
}

/** Runs `measure` in a browser of `engine` on a fresh profile (with `chromiumArgs` added), then closes it and removes the profile. */
async function inFreshBrowser<T>(engine: Engine, chromiumArgs: readonly string[], measure: (run: RunPage) => Promise<T>): Promise<T> {
  const pool = browserPool(`bench-${engine}`);
  try {
    return await measure(pageRunner(await pool.launch(engine, pool.newProfile(), chromiumArgs)));
  } finally {
    await pool.closeAll();
  }
}

/** Runs every area in one engine, on a fresh profile. */
async function measureEngine(engine: Engine): Promise<void> {
  await inFreshBrowser(engine, [], async (run) => {
    const bench: BrowserBench = { engine, run, sink, inChromiumWith: (args, measure) => inFreshBrowser('chromium', args, measure) };
    for (const area of AREAS) {
      const started = performance.now();
      try {
        const measured = await area.measure(bench);
        figures.get(area.id)!.push(...measured);
        for (const f of measured) console.log(line(f));
      } catch (error) {
        failures.push(`${area.title} in ${engine}: ${(error as Error).message.split('\n')[0]}`);
        console.log(`  FAILED ${area.title} in ${engine}: ${(error as Error).message.split('\n')[0]}`);
      }
      console.error(`  (${area.title} in ${engine}: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
  });
}

const number = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: x < 10 ? 3 : 1 });
function line(f: Figure): string {
  const spread = f.reps > 1 ? ` (${number(f.min)}–${number(f.max)}, ${f.reps} reps)` : '';
  const ratio = Number.isFinite(f.ratio) ? `${f.ratio.toFixed(2)}×` : '—';
  return `  ${f.name}: ${number(f.median)} ${f.unit}${spread}; ${ratio} ${f.baseline.name}`;
}

try {
  for (const engine of ENGINES_WANTED) {
    console.log(`\n${engine}`);
    await measureEngine(engine).catch((error: Error) => {
      failures.push(`${engine}: could not run: ${error.message.split('\n')[0]}`);
      console.log(`  FAILED: ${engine} could not run: ${error.message.split('\n')[0]}`);
    });
  }
} finally {
  server.close();
}
for (const area of AREAS) {
  saveArea({ id: area.id, title: area.title, about: area.about, figures: figures.get(area.id)!, versions: area.versions() });
}
if (failures.length) {
  console.error(`\n${failures.length} parts of the browser bench failed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
  process.exitCode = 1;
}
