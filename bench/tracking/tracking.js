// Main-thread cost of tracking (area 2 of npm run bench): one SDK per page load, as a shop
// pastes it, then 10,000 product-view events through its own call. Calls run in tasks of
// BLOCK, posted back to back, so the main thread is never idle while the bench runs: whatever
// else runs on it (the SDK's timers, network callbacks, serialisation) shows as a gap between
// two of the bench's tasks longer than GAP_MS. After the last call, empty tasks keep the
// thread busy for SETTLE_MS, so work the SDK defers is counted too. The same page without an
// SDK measures what the engine itself runs meanwhile (garbage collection, timers).
(() => {
  const sdk = new URLSearchParams(location.search).get('sdk') || 'none';
  const sink = `${location.origin}/sink/${sdk}`;
  const BLOCK = 10;
  /** A gap between two of the bench's tasks longer than this is another task that ran between. */
  const GAP_MS = 0.1;
  const SETTLE_MS = 3000;
  const LONG_TASK_MS = 50;

  const load = (src) =>
    new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error(`${src} did not load`));
      document.head.append(s);
    });

  const event = (i) => ({ sku: `SKU-${i % 500}`, category: `cat-${i % 40}`, brand: `brand-${i % 12}`, price: 5 + (i % 200), currency: 'EUR' });

  // Each SDK as its documentation sets it up, its network pointed at this server's sink.
  const setups = {
    none: async () => () => {},
    vitrine: async () => {
      window.vitrine = function () {
        // biome-ignore lint/complexity/noArguments: the loader snippet's queue as merchants paste it (src/loader.ts).
        (window.vitrine.q = window.vitrine.q || []).push(arguments);
      };
      window.vitrine('init', { siteId: `bench-${Date.now()}`, engine: new URLSearchParams(location.search).get('engine') || 'auto' });
      window.vitrine('consent.set', { functional: true, personalization: true, measurement: true });
      await load('/dist/vitrine.js');
      await new Promise((resolve) => window.vitrine('ready', resolve));
      return (i) => window.vitrine('track', 'product_view', event(i));
    },
    segment: async () => {
      // The standalone bundle reads its write key and CDN from the snippet's stub, and its
      // settings from the CDN (bench/shared/serve.ts answers them, pointing its network at the sink).
      const stub = [];
      // The snippet's stub queues calls until the bundle replaces it.
      for (const method of ['ready', 'track']) stub[method] = (...args) => stub.push([method, ...args]);
      stub._writeKey = 'bench';
      stub._cdn = `${location.origin}/peer/segment`;
      window.analytics = stub;
      await load('/peer/segment/standalone.js');
      await new Promise((resolve) => window.analytics.ready(resolve));
      return (i) => window.analytics.track('Product Viewed', event(i));
    },
    posthog: async () => {
      await load('/peer/posthog/array.js');
      window.posthog.init('phc_bench', {
        api_host: sink,
        autocapture: false,
        capture_pageview: false,
        capture_pageleave: false,
        disable_session_recording: true,
        disable_surveys: true,
        advanced_disable_flags: true,
        advanced_disable_decide: true,
        // Headless browsers look like bots to posthog-js, which would then drop every event.
        opt_out_useragent_filter: true,
      });
      return (i) => window.posthog.capture('product_viewed', event(i));
    },
  };

  // Posts the next task without a timer's clamping.
  const channel = new MessageChannel();
  let nextTask;
  channel.port1.onmessage = () => nextTask();
  const post = (fn) => {
    nextTask = fn;
    channel.port2.postMessage(0);
  };

  const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

  function drive(track, calls) {
    return new Promise((resolve) => {
      const tasks = [];
      const gaps = [];
      let i = 0;
      let lastEnd = 0;
      let settleStart = 0;
      const step = () => {
        const start = performance.now();
        if (lastEnd) gaps.push(start - lastEnd);
        if (i < calls) {
          for (let j = 0; j < BLOCK; j++) track(i + j);
          i += BLOCK;
          lastEnd = performance.now();
          tasks.push(lastEnd - start);
          if (i >= calls) settleStart = lastEnd;
          return post(step);
        }
        lastEnd = performance.now();
        if (lastEnd - settleStart < SETTLE_MS) return post(step);
        resolve({ tasks, gaps: gaps.filter((g) => g > GAP_MS) });
      };
      post(step);
    });
  }

  window.runBench = async ({ calls }) => {
    // A new visitor each run: nothing an earlier run left in the peers' storage is sent again.
    localStorage.clear();
    const track = await setups[sdk]();
    // Let what the SDK starts on load finish before timing.
    await new Promise((r) => setTimeout(r, 500));
    const { tasks, gaps } = await drive(track, calls);
    const callsMs = tasks.reduce((a, b) => a + b, 0);
    const deferredMs = gaps.reduce((a, b) => a + b, 0);
    const perCall = tasks.map((t) => (t * 1000) / BLOCK).sort((a, b) => a - b);
    return {
      sdk,
      calls,
      callsMs,
      deferredMs,
      totalMs: callsMs + deferredMs,
      p99Us: quantile(perCall, 0.99),
      longTasks: tasks.filter((t) => t > LONG_TASK_MS).length + gaps.filter((g) => g > LONG_TASK_MS).length,
      otherTasks: gaps.length,
    };
  };
  window.benchReady = true;
})();
