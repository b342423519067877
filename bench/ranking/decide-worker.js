// Runs inside a Worker: the real decide chunk (dist/vitrine-decide.js) ranking
// synthetic catalogs, against a plain typed-array dot product over the same sizes.
// The chunk takes its validators and ids from the worker bundle (worker/shared.ts): load it
// first, as a page would (no engine is exposed here: this worker answers the bench only).
self.WorkerGlobalScope = undefined;
importScripts('/dist/vitrine-worker.js', '/dist/vitrine-decide.js', '/dist/vitrine-learn.js');
const decide = self.__vitrineChunks.decide;
const learn = self.__vitrineChunks.learn;

const FEATURES = 5;

function catalogOf(size) {
  const offers = [];
  for (let i = 0; i < size; i++) {
    offers.push({
      id: `o${i}`,
      slot: 'hero',
      categories: [`c${i % 200}`, `c${(i * 7) % 200}`],
      price: 10 + (i % 300),
      content: { title: `Offer ${i}`, cta: { label: 'Go', href: `/o/${i}` } },
      weights: { affinity: 1 + (i % 3), recency: 0.5, cartMatch: 1, pageMatch: 1, priceFit: 0.5 },
      caps: { perDay: 5 },
      priority: i % 50,
    });
  }
  // Every offer learns its rank and, for a third of them, has a second content variant.
  for (let i = 0; i < size; i += 3) offers[i].variants = [{ id: 'b', weight: 50, content: { title: `Offer ${i}, take 2` } }];
  return { version: `bench-${size}`, siteId: 'bench', settings: { exploration: 0.1, diversity: 0.3 }, learning: { priorsKey: PRIORS_KEY, offers: true, variants: true }, offers };
}

// A key the catalog names; the bench hands the priors over as if their signature had been checked.
const PRIORS_KEY = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEbenchbenchbenchbenchbenchbenchbench';

/** Priors for every (offer, variant): click-through rates around 1–5%, from a few thousand impressions. */
function priorsOf(catalog, now) {
  const priors = catalog.offers.flatMap((o, i) =>
    o.variants.map((v, j) => {
      const ctr = 0.01 + ((i * 7 + j * 13) % 40) / 1000;
      const n = 1000 + ((i * 31) % 5000);
      return { offer: o.id, variant: v.id, ctr: { alpha: 1 + ctr * n, beta: 1 + (1 - ctr) * n, basis: 'own' }, cvr: { alpha: 1, beta: 1, basis: 'none' } };
    }),
  );
  return {
    v: 1,
    site: 'bench',
    catalog: catalog.version,
    version: 'bench',
    computedAt: now,
    validUntil: now + 86_400_000,
    method: { periodMs: 3_600_000, halfLifeDays: 14, minImpressions: 100, k: 20, floor: 0.01 },
    priors,
  };
}

function profileOf(now) {
  const categories = {};
  for (let c = 0; c < 100; c++) categories[`c${c * 2}`] = { score: (c % 10) + 1, at: now - c * 3_600_000 };
  return {
    v: 1,
    categories,
    brands: {},
    price: { weight: 10, mean: 1.8, variance: 0.04, at: now },
    purchases: {},
    bought: {},
    stated: {},
    visits: 5,
    events: 200,
    firstSeen: now - 1e9,
    lastSeen: now,
  };
}

const noExposures = { entry: () => undefined, forEachOffer: () => undefined };

async function run({ sizes, iterations }) {
  const now = Date.now();
  const out = [];
  for (const size of sizes) {
    const catalog = await decide.verifyCatalog(catalogOf(size), 'bench', undefined);
    const compiled = decide.compileCatalog(catalog);
    const input = {
      now,
      personal: decide.personalView(profileOf(now), now, new Set()),
      cart: { categories: new Set(['c4']), value: 50 },
      page: { category: 'c10' },
      muted: new Set(),
      learned: null,
    };
    // The device's draws from the priors (once per priors version), and the same ranking with them.
    const priorsState = { current: priorsOf(catalog, now), key: JSON.stringify(PRIORS_KEY), etag: null, fetchedAt: now };
    const drawStarted = performance.now();
    const learned = learn.drawsFor({ priors: priorsState, seed: () => 42 }, catalog, now);
    const drawMs = performance.now() - drawStarted;
    const withPriors = { ...input, learned };
    // A ranking of 100 offers takes about the timer's resolution: each sample times several
    // and divides, as the baseline below does.
    const reps = Math.max(1, Math.round(100_000 / size));
    const times = [];
    const learnedTimes = [];
    // Without and with priors, alternating, so both meet the same state of the machine.
    for (let i = 0, draw = 0; i < iterations + 20; i++) {
      let t0 = performance.now();
      for (let r = 0; r < reps; r++) decide.rank(compiled, 'hero', 3, input, noExposures, 42, draw++);
      if (i >= 20) times.push((performance.now() - t0) / reps);
      t0 = performance.now();
      for (let r = 0; r < reps; r++) decide.rank(compiled, 'hero', 3, withPriors, noExposures, 42, draw++);
      if (i >= 20) learnedTimes.push((performance.now() - t0) / reps);
    }

    // The baseline: scores as a dot product of weights and precomputed features.
    const w = new Float64Array(size * FEATURES).map((_, i) => (i % 7) / 7);
    const f = new Float64Array(size * FEATURES).map((_, i) => (i % 5) / 5);
    const scores = new Float64Array(size);
    const dots = [];
    for (let i = 0; i < iterations + 20; i++) {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) {
        for (let o = 0; o < size; o++) {
          let s = 0;
          for (let k = 0; k < FEATURES; k++) s += w[o * FEATURES + k] * f[o * FEATURES + k];
          scores[o] = s;
        }
      }
      if (i >= 20) dots.push((performance.now() - t0) / reps);
    }
    out.push({ size, features: FEATURES, times, learnedTimes, drawMs, dots, check: scores[size - 1] });
  }
  return out;
}

// A failure is answered, not left unhandled in the worker, where the page would wait for ever.
self.onmessage = (e) =>
  run(e.data).then(
    (value) => self.postMessage({ value }),
    (error) => self.postMessage({ error: String(error?.stack ?? error) }),
  );
