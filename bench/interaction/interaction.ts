/**
 * Part of `npm run bench`: whether a shopper's click waits for Vitrine. The demo's product page
 * (the real server, `npm start`'s, as a child process) in Chromium, a fresh private window per
 * load; the shopper clicks the consent banner's "Accept all", then "Add to cart". Each click is
 * timed in the page from its `pointerdown` to the task after the next frame, and read from the
 * Event Timing API as Interaction to Next Paint reports it. The baseline is the same page with
 * Vitrine's script refused by the network: the shop's own banner and handlers, Vitrine's queue
 * only. Loads alternate between the two.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../tools/chromium';
import { startChild, stopChildren } from '../shared/children';
import { baselineOf, figure, saveArea, type Figure } from '../shared/results';

const LOADS = 20;
const SHIFT_LOADS = 5;
const CLICKS = {
  consent: '“Accept all” on the consent banner',
  addToCart: '“Add to cart” on a product page',
} as const;
type Click = keyof typeof CLICKS;
const MODES = { with: 'with Vitrine', without: 'without Vitrine (its script refused)' } as const;
type Mode = keyof typeof MODES;

/** One click as the page saw it. */
interface Timing {
  /** pointerdown's timestamp to the task after the frame that follows the click's handlers. */
  toNextFrameMs: number;
  /** The click's dispatch: from its first listener (the window's, capturing) to its last (the window's, bubbling), the microtasks between them included. */
  handlersMs: number;
  /** The interaction's longest Event Timing entry (8 ms steps; 0 when under the API's 16 ms floor). */
  eventTimingMs: number;
}

/** Layout shifts a page has had since it started, as CLS counts them (none within 500 ms of an input). */
interface Shifts {
  /** Every counted shift's score, summed. */
  all: number;
  /** Those whose moved nodes are in an offer slot, or are the slots. */
  slots: number;
}

/** Collects the page's layout shifts from its start (an init script: runs before the page's own). */
function observeShifts(): void {
  const w = window as unknown as { benchShifts: Shifts };
  w.benchShifts = { all: 0, slots: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean; sources?: { node?: Node }[] })[]) {
      if (e.hadRecentInput) continue;
      w.benchShifts.all += e.value;
      const inSlot = (e.sources ?? []).some(({ node }) => node instanceof Element && !!node.closest('[data-slot]'));
      if (inSlot) w.benchShifts.slots += e.value;
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

type BenchWindow = Window & { vitrine?: (command: string, callback: () => void) => void; benchTimings: Timing[]; benchReady?: boolean };

/** Times every click in the page from now on (runs in the page). */
function timeClicks(): void {
  const w = window as unknown as BenchWindow;
  w.benchTimings = [];
  const longest = new Map<number, number>();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEventTiming & { interactionId: number })[]) {
      if (e.interactionId) longest.set(e.interactionId, Math.max(longest.get(e.interactionId) ?? 0, e.duration));
    }
  }).observe({ type: 'event', durationThreshold: 16, buffered: true } as PerformanceObserverInit);
  addEventListener(
    'pointerdown',
    (down) => {
      let handlersStarted = 0;
      let handlersMs = 0;
      // Added last, so it runs after every other listener the window has.
      addEventListener('click', () => (handlersMs = performance.now() - handlersStarted), { once: true });
      addEventListener(
        'click',
        () => {
          handlersStarted = performance.now();
          // Captured first, so the frame after it follows every handler of the click.
          requestAnimationFrame(() => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => {
              const toNextFrameMs = performance.now() - down.timeStamp;
              // Event Timing entries arrive after the frame: read them a moment later.
              setTimeout(() => w.benchTimings.push({ toNextFrameMs, handlersMs, eventTimingMs: Math.max(0, ...longest.values()) }), 300);
            };
            channel.port2.postMessage(null);
            longest.clear();
          });
        },
        { capture: true, once: true },
      );
    },
    { capture: true },
  );
}

async function clickAndTime(page: Page, name: string, count: number): Promise<Timing> {
  await page.getByRole('button', { name, exact: true }).click();
  await page.waitForFunction((n) => (window as unknown as BenchWindow).benchTimings.length >= n, count);
  return page.evaluate((n) => (window as unknown as BenchWindow).benchTimings[n - 1]!, count);
}

type Browser = Awaited<ReturnType<typeof chromium.launch>>;

/** Runs `fn` on `url` in a fresh private window, where without Vitrine the network refuses its scripts. */
async function inWindow<T>(browser: Browser, url: string, mode: Mode, fn: (page: Page, context: BrowserContext) => Promise<T>): Promise<T> {
  const context = await browser.newContext();
  try {
    if (mode === 'without') await context.route(/\/vitrine\/[^/]+\.js$/, (route) => route.abort());
    const page = await context.newPage();
    await page.goto(url);
    return await fn(page, context);
  } finally {
    await context.close();
  }
}

/** One load of the product page, and the two clicks on it. */
function load(browser: Browser, url: string, productName: string, mode: Mode): Promise<Record<Click, Timing>> {
  return inWindow(browser, url, mode, async (page) => {
    if (mode === 'with') {
      await page.evaluate(() => new Promise<void>((resolve) => (window as unknown as BenchWindow).vitrine!('ready', resolve)));
    }
    await page.getByRole('button', { name: 'Accept all', exact: true }).waitFor();
    // Let the page settle (fonts, the banner's transition, the engine's start) before the first click.
    await page.waitForTimeout(500);
    await page.evaluate(timeClicks);
    const consent = await clickAndTime(page, 'Accept all', 1);
    // The consent's storage and erasure run after the click: let them end before the next one.
    await page.waitForTimeout(500);
    const addToCart = await clickAndTime(page, `Add to cart: ${productName}`, 2);
    return { consent, addToCart };
  });
}

const offersPainted = (page: Page) => page.waitForFunction(() => !!document.querySelector('[data-slot] > *'));

/**
 * A returning shopper's load of a page: consent given on the page before, so the offers are
 * painted as the page loads, with no input to excuse a shift.
 */
function returningLoad(browser: Browser, url: string, mode: Mode): Promise<Shifts> {
  return inWindow(browser, url, mode, async (page, context) => {
    await page.getByRole('button', { name: 'Accept all', exact: true }).click();
    if (mode === 'with') await offersPainted(page);
    await page.waitForTimeout(500);
    await context.addInitScript(observeShifts);
    await page.reload();
    if (mode === 'with') await offersPainted(page);
    // Whatever comes late (a confirmed or replaced decision, the images) has come.
    await page.waitForTimeout(1000);
    return page.evaluate(() => (window as unknown as { benchShifts: Shifts }).benchShifts);
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-interaction-bench-'));
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  try {
    const server = await startChild(
      'demo server',
      'dist/server/main.mjs',
      { ...process.env, PORT: '0', VITRINE_DEMO: '1', VITRINE_DATA: dir, VITRINE_LOG_REQUESTS: '0' },
      /http:\/\/localhost:(\d+)\//,
      dir,
    );
    // The first product the home page links to, and its name as its "Add to cart" button gives it.
    const probe = await browser.newPage();
    await probe.goto(`${server.url}/`);
    const product = await probe.locator('a[href^="/p/"]').first().getAttribute('href');
    await probe.goto(`${server.url}${product}`);
    const label = (await probe.locator('[data-add]').first().getAttribute('aria-label'))!;
    await probe.close();
    const productName = label.replace(/^Add to cart: /, '');

    const timings: Record<Mode, Record<Click, Timing>[]> = { with: [], without: [] };
    for (let i = 0; i < LOADS; i++) {
      for (const mode of (i % 2 ? ['without', 'with'] : ['with', 'without']) as Mode[]) {
        timings[mode].push(await load(browser, `${server.url}${product}`, productName, mode));
      }
    }

    const figures: Figure[] = [];
    for (const [pageName, path] of [
      ['home page', '/'],
      ['product page', product],
    ] as const) {
      const shifts: Record<Mode, Shifts[]> = { with: [], without: [] };
      for (let i = 0; i < SHIFT_LOADS; i++) {
        for (const mode of ['with', 'without'] as Mode[]) shifts[mode].push(await returningLoad(browser, `${server.url}${path}`, mode));
      }
      for (const [measure, key] of [
        ['layout shift (CLS) of the whole page', 'all'],
        ['layout shift (CLS) in the offer slots', 'slots'],
      ] as const) {
        const baseline = baselineOf(
          `Chromium: a returning shopper’s ${pageName}, ${measure}, ${MODES.without}`,
          shifts.without.map((x) => x[key]),
        );
        for (const mode of Object.keys(MODES) as Mode[]) {
          figures.push(
            figure(
              `Chromium: a returning shopper’s ${pageName}, ${measure}, ${MODES[mode]}`,
              '',
              shifts[mode].map((x) => x[key]),
              baseline,
            ),
          );
        }
      }
    }
    for (const click of Object.keys(CLICKS) as Click[]) {
      for (const [measure, key, unit] of [
        ['to the next frame', 'toNextFrameMs', 'ms'],
        ['its handlers', 'handlersMs', 'ms'],
        ['Event Timing duration (INP)', 'eventTimingMs', 'ms'],
      ] as const) {
        const of = (mode: Mode) => timings[mode].map((t) => t[click][key]);
        const baseline = baselineOf(`Chromium: ${CLICKS[click]}, ${measure}, ${MODES.without}`, of('without'));
        for (const mode of Object.keys(MODES) as Mode[]) figures.push(figure(`Chromium: ${CLICKS[click]}, ${measure}, ${MODES[mode]}`, unit, of(mode), baseline));
      }
    }
    for (const f of figures)
      console.log(
        `  ${f.name}: ${f.median.toFixed(f.unit ? 1 : 4)} ${f.unit} (${f.min.toFixed(f.unit ? 1 : 4)}–${f.max.toFixed(f.unit ? 1 : 4)}, ${f.reps} loads); ${Number.isFinite(f.ratio) ? `${f.ratio.toFixed(2)}×` : '—'}`,
      );
    saveArea({
      id: '9-interaction',
      title: 'A shopper’s clicks, with and without Vitrine',
      about:
        `The demo’s product page in Chromium (the real server, a fresh private window per load, ${LOADS} loads per line, alternating): the consent banner’s “Accept all”, then “Add to cart”. ` +
        'Timed in the page from the click’s pointerdown to the task after the next frame; its handlers, from the window’s first listener of the click to its last (the microtasks between included); and as the Event Timing API reports the interaction (what Interaction to Next Paint is made of; 8 ms steps, 0 under its 16 ms floor). ' +
        'Baseline: the same page with Vitrine’s script refused by the network (the shop’s own banner and handlers; the snippet’s queue keeps the calls). ' +
        `Layout shift: ${SHIFT_LOADS} loads of the home page and of the product page by a returning shopper (consent given on the page before, so the offers are painted as the page loads, with no input to excuse a shift), every shift the page had by 1 s after its offers, as a PerformanceObserver of layout-shift entries counts them for CLS, on the whole page and in the offer slots.`,
      figures,
      versions: {},
    });
  } finally {
    await browser.close();
    await stopChildren();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
