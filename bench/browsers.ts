/**
 * Part of `npm run bench`: the SDK's costs in the browser (bench/track.html, bench/decide.html),
 * measured in Chromium, Firefox and WebKit in the same run, printed side by side. Each figure
 * has its baseline from the same engine and run: batched storage against one transaction per
 * event, ranking against a plain typed-array dot product over the same offers. Not a test:
 * nothing here passes or fails, but an engine that cannot run says why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, launchBrowser, type Engine } from '../test/engines/browsers';
import { serveRepo } from './serve';

interface TrackFigures {
  isolated: boolean;
  cost: { calls: number; block: number; medianUs: number; p99Us: number };
  batched: { events: number; perSecond: number };
  perEvent: { perSecond: number };
}
interface DecideFigures {
  ranking: { size: number; p50: number; p95: number; dotP50: number }[];
  e2e: { size: number; p50: number; p95: number }[];
}
type BenchWindow = Window & { benchReady?: boolean; runBench(options: object): Promise<unknown> };

const SIZES = [100, 1_000, 10_000];
const FEATURES = 5;

/** Opens a bench page in the engine and runs it. */
async function measure(engine: Engine, base: string): Promise<{ track: TrackFigures; decide: DecideFigures }> {
  const profile = mkdtempSync(join(tmpdir(), `vitrine-bench-${engine}-`));
  const browser = await launchBrowser(engine, { profile });
  try {
    const run = async <T>(page: string, options: object): Promise<T> => {
      await browser.goto(`${base}/bench/${page}`);
      await browser.waitFor(() => (window as unknown as BenchWindow).benchReady === true, undefined, 30_000);
      return browser.evaluate((o) => (window as unknown as BenchWindow).runBench(o), options) as Promise<T>;
    };
    const track = await run<TrackFigures>('track.html', { calls: 10_000, block: 10, events: 5_000 });
    const decide = await run<DecideFigures>('decide.html', { sizes: SIZES, iterations: 200 });
    return { track, decide };
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const f = (x: number, digits = 2) => x.toFixed(digits);

const server = await serveRepo(process.cwd());
const address = server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const results = new Map<Engine, Awaited<ReturnType<typeof measure>> | string>();
try {
  for (const engine of ENGINES) {
    const started = performance.now();
    results.set(engine, await measure(engine, base).catch((error: Error) => `could not run: ${error.message.split('\n')[0]}`));
    console.error(`  (${engine} measured in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
} finally {
  server.close();
}

const rows: [label: string, value: (r: Awaited<ReturnType<typeof measure>>) => string][] = [
  ['cross-origin isolated (finest timer)', (r) => (r.track.isolated ? 'yes' : 'no')],
  ['track(): µs per call, median', (r) => f(r.track.cost.medianUs)],
  ['track(): µs per call, p99', (r) => f(r.track.cost.p99Us)],
  ['events to IndexedDB/s, batched', (r) => f(r.track.batched.perSecond, 0)],
  ['  × one transaction per event', (r) => `${f(r.track.batched.perSecond / r.track.perEvent.perSecond, 1)}×`],
  ...SIZES.flatMap((size): [string, (r: Awaited<ReturnType<typeof measure>>) => string][] => [
    [`decide() in the Worker, ${size} offers: p50 ms`, (r) => f(r.decide.ranking.find((x) => x.size === size)!.p50, 3)],
    [`  ns per offer-feature × dot product`, (r) => {
      const x = r.decide.ranking.find((y) => y.size === size)!;
      return `${f((x.p50 * 1e6) / (size * FEATURES), 1)} ns, ${f(x.p50 / x.dotP50, 1)}×`;
    }],
    [`decide() from the page, ${size} offers: p50 / p95 ms`, (r) => {
      const x = r.decide.e2e.find((y) => y.size === size)!;
      return `${f(x.p50)} / ${f(x.p95)}`;
    }],
  ]),
];

console.log('The SDK in the browser: the same pages in each engine, one after the other, in one run');
console.log('(track: 10,000 calls timed in blocks of 10, 5,000 events stored; decide: 200 rankings per size in the Worker, 100 from the page)\n');
const width = 52;
const column = 24;
console.log(`${''.padEnd(width)}${ENGINES.map((e) => e.padEnd(column)).join('')}`);
for (const [label, value] of rows) {
  console.log(`${label.padEnd(width)}${ENGINES.map((e) => {
    const r = results.get(e);
    return (typeof r === 'string' || !r ? '—' : value(r)).padEnd(column);
  }).join('')}`);
}
for (const engine of ENGINES) {
  const r = results.get(engine);
  if (typeof r === 'string') console.log(`\n${engine}: ${r}`);
}
