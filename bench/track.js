// Runs in Chromium (bench/run.mjs drives it). Measures:
//  1. the main-thread cost of track(): validation + push into the batch;
//  2. events per second reaching IndexedDB, batched (the default) against one transaction
//     per event (trackBatchSize: 1: every event its own postMessage and its own transaction).
import { createVitrine } from '/dist/vitrine.mjs';

const WORKER = '/dist/vitrine-worker.js';
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const event = (i) => ({ sku: `SKU-${i % 500}`, category: `cat-${i % 40}`, brand: `brand-${i % 12}`, price: 5 + (i % 200), currency: 'EUR' });

async function fresh(siteId, extra = {}) {
  const v = await createVitrine({ siteId, workerUrl: WORKER, retention: { maxSignals: 100000 }, ...extra });
  await v.consent.set({ personalization: true });
  return v;
}

async function trackCost(calls, block) {
  const v = await fresh(`bench-cost-${Date.now()}`);
  // Warm up the validators and the JIT.
  for (let i = 0; i < 2000; i++) v.track('product_view', event(i));
  await v.flush();
  // Timer resolution is a few µs, so time blocks of `block` calls and divide.
  const perCall = [];
  for (let i = 0; i < calls; i += block) {
    const t0 = performance.now();
    for (let j = 0; j < block; j++) v.track('product_view', event(i + j));
    perCall.push(((performance.now() - t0) * 1000) / block);
    if (i % 1000 === 0) await v.flush(); // let batches drain as a page would between tasks
  }
  await v.flush();
  await v.privacy.forget();
  await v.destroy();
  perCall.sort((a, b) => a - b);
  return { calls, block, medianUs: quantile(perCall, 0.5), p99Us: quantile(perCall, 0.99) };
}

async function throughput(events, extra) {
  const v = await fresh(`bench-tput-${Date.now()}-${Math.random()}`, extra);
  const t0 = performance.now();
  for (let i = 0; i < events; i++) v.track('product_view', event(i));
  await v.flush();
  const ms = performance.now() - t0;
  const stored = (await v.privacy.export()).stores.signals.length;
  await v.privacy.forget();
  await v.destroy();
  return { events, stored, ms, perSecond: (events / ms) * 1000 };
}

window.runBench = async ({ calls, block, events }) => {
  const cost = await trackCost(calls, block);
  const batched = await throughput(events, {});
  const perEvent = await throughput(events, { trackBatchSize: 1, callTimeoutMs: 120_000 });
  return { isolated: crossOriginIsolated, cost, batched, perEvent };
};
window.benchReady = true;
