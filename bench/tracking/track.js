// Events per second reaching IndexedDB through Vitrine's batching (batch: 'default') against
// one transaction per event (batch: 'one': trackBatchSize 1, every event its own postMessage
// and its own transaction). Part of area 2 of npm run bench (bench/tracking/tracking-area.ts).
import { createVitrine } from '/dist/vitrine.mjs';

const WORKER = '/dist/vitrine-worker.js';
const event = (i) => ({ sku: `SKU-${i % 500}`, category: `cat-${i % 40}`, brand: `brand-${i % 12}`, price: 5 + (i % 200), currency: 'EUR' });

window.runBench = async ({ events, batch }) => {
  const extra = batch === 'one' ? { trackBatchSize: 1, callTimeoutMs: 120_000 } : {};
  const v = await createVitrine({ siteId: `bench-tput-${Date.now()}`, workerUrl: WORKER, retention: { maxSignals: 100000 }, ...extra });
  await v.consent.set({ personalization: true });
  const t0 = performance.now();
  for (let i = 0; i < events; i++) v.track('product_view', event(i));
  await v.flush();
  const ms = performance.now() - t0;
  const stored = (await v.privacy.export()).stores.signals.length;
  await v.privacy.forget();
  await v.destroy();
  if (stored !== events) throw new Error(`${stored} of ${events} events were stored`);
  return { perSecond: (events / ms) * 1000 };
};
window.benchReady = true;
