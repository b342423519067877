// `npm run bench`: prints figures measured in Chromium. Not a test: nothing here passes or fails.
import { chromium } from 'playwright-core';
import { serveRepo } from './serve.mjs';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];
const root = process.cwd();
const server = await serveRepo(root);
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: ARGS, headless: true });

try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${base}/bench/track.html`);
  await page.waitForFunction(() => window.benchReady === true);
  const r = await page.evaluate(() => window.runBench({ calls: 10_000, block: 10, events: 5_000 }));
  const f = (x, d = 2) => x.toFixed(d);
  console.log(`Chromium ${browser.version()}, cross-origin isolated: ${r.isolated}`);
  console.log('');
  console.log('track(): main-thread cost per call (validate + push into the batch)');
  console.log(`  ${r.cost.calls} calls, timed in blocks of ${r.cost.block}: median ${f(r.cost.medianUs)} µs, p99 ${f(r.cost.p99Us)} µs`);
  console.log('');
  console.log(`Events reaching IndexedDB (${r.batched.events} product_view events, from the first track() to flush())`);
  console.log(`  batched (default, 64 per batch):        ${f(r.batched.perSecond, 0)} events/s  (${f(r.batched.ms, 0)} ms, ${r.batched.stored} stored)`);
  console.log(`  one transaction per event (batch of 1): ${f(r.perEvent.perSecond, 0)} events/s  (${f(r.perEvent.ms, 0)} ms, ${r.perEvent.stored} stored)`);
  console.log(`  ratio batched / per-event: ${f(r.batched.perSecond / r.perEvent.perSecond, 1)}x`);

  const d = await browser.newPage();
  d.on('pageerror', (e) => console.error('page error:', e.message));
  await d.goto(`${base}/bench/decide.html`);
  await d.waitForFunction(() => window.benchReady === true);
  const decide = await d.evaluate(() => window.runBench({ sizes: [100, 1000, 10000], iterations: 200 }));
  console.log('');
  console.log('decide(): ranking inside a Worker (eligibility, caps, 5 features, exploration, diversity, top 3)');
  console.log('  offers   p50 ms   p95 ms   per offer-feature ns   dot product ns   ratio');
  for (const x of decide.ranking) {
    const perFeature = (x.p50 * 1e6) / (x.size * 5);
    const dot = (x.dotP50 * 1e6) / (x.size * 5);
    console.log(`  ${String(x.size).padStart(6)}   ${f(x.p50, 3).padStart(6)}   ${f(x.p95, 3).padStart(6)}   ${f(perFeature, 1).padStart(20)}   ${f(dot, 1).padStart(14)}   ${f(perFeature / dot, 1).padStart(5)}x`);
  }
  console.log('decide(): end to end from the page (postMessage, profile read from IndexedDB, ranking)');
  for (const x of decide.e2e) console.log(`  ${String(x.size).padStart(6)} offers: p50 ${f(x.p50)} ms, p95 ${f(x.p95)} ms`);
} finally {
  await browser.close();
  server.close();
}
