// Drives bench/decide-worker.js (ranking inside a Worker), and measures v.decide() end to end
// from the page (postMessage both ways, the profile read from IndexedDB, the ranking).
import { createVitrine } from '/dist/vitrine.mjs';

function inWorker(params) {
  return new Promise((resolve, reject) => {
    const w = new Worker('/bench/decide-worker.js');
    w.onmessage = (e) => {
      w.terminate();
      resolve(e.data);
    };
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage(params);
  });
}

async function endToEnd(size, iterations) {
  const offers = Array.from({ length: size }, (_, i) => ({
    id: `o${i}`, slot: 'hero', categories: [`c${i % 200}`], content: { title: `Offer ${i}` }, priority: i % 50,
  }));
  const catalog = { version: `e2e-${size}`, siteId: 'bench-e2e', settings: { exploration: 0.1, diversity: 0.3 }, offers };
  const url = URL.createObjectURL(new Blob([JSON.stringify(catalog)], { type: 'application/json' }));
  const v = await createVitrine({ siteId: 'bench-e2e', workerUrl: '/dist/vitrine-worker.js', catalogUrl: url });
  await v.consent.set({ personalization: true });
  for (let i = 0; i < 200; i++) v.track('product_view', { sku: `s${i}`, category: `c${i % 40}` });
  await v.flush();
  const times = [];
  for (let i = 0; i < iterations + 10; i++) {
    const t0 = performance.now();
    await v.decide('hero', { limit: 3 });
    if (i >= 10) times.push(performance.now() - t0);
  }
  await v.privacy.forget();
  await v.destroy();
  return { size, times };
}

window.runBench = async ({ sizes, iterations }) => {
  const ranking = await inWorker({ sizes, iterations });
  const e2e = [];
  for (const size of sizes) e2e.push(await endToEnd(size, Math.min(iterations, 100)));
  return { ranking, e2e };
};
window.benchReady = true;
