// Storage footprint and growth (area 4 of npm run bench): a year of heavy browsing on one
// device, simulated day by day on a clock this page moves, with the SDK's default retention.
// The engine runs in the page (engine: 'inline') so that it reads the same clock. Two shoppers:
// a heavy one (a shop's busiest regulars), and one built to grow the store without end: every
// product, category and brand new and every text at its longest, as many offers shown as the
// page allows. What the device keeps is measured at checkpoints as the bytes of everything the
// SDK stored (its own export, as JSON).
import { createVitrine } from '/dist/vitrine.mjs';

const DAY = 86_400_000;
const START = Date.parse('2026-01-05T08:00:00Z');
const SLOTS = ['home-hero', 'product-also', 'cart'];
let clock = START;
Date.now = () => clock;

const long = (prefix, i) => `${prefix}-${i}-`.padEnd(200, 'x');

/** One simulated day of browsing: events through track(), and rounds of offers rendered in every slot (each offer seen is an exposure). */
const SHOPPERS = {
  heavy: {
    views: 200,
    rounds: 2,
    event: (day, i) => ({ sku: `SKU-${(day * 7 + i) % 3000}`, category: `cat-${i % 40}`, brand: `brand-${i % 12}`, price: 5 + (i % 200), currency: 'EUR' }),
    purchaseEvery: 3,
  },
  unbounded: {
    views: 300,
    rounds: 12,
    event: (day, i) => ({ sku: long('SKU', day * 1000 + i), category: long('cat', day * 1000 + i), brand: long('brand', day * 1000 + i), price: 5 + i, currency: 'EUR' }),
    purchaseEvery: 1,
  },
};

/** Renders every slot once and waits until what is on screen is recorded as seen. */
async function showOffers(v) {
  const handles = await Promise.all(
    SLOTS.map((slot) => {
      const element = document.createElement('section');
      element.setAttribute('aria-label', slot);
      document.body.append(element);
      return v.render(slot, element, { limit: 3, impressionDelayMs: 0 });
    }),
  );
  // Intersection observers report after the next rendering; the impression is recorded then.
  await new Promise((r) => requestAnimationFrame(r));
  await new Promise((r) => setTimeout(r, 0));
  await v.flush();
  for (const h of handles) h.destroy();
  for (const e of document.querySelectorAll('section')) e.remove();
}

const bytes = (value) => new Blob([JSON.stringify(value)]).size;
const largest = (values) => Math.max(0, ...values.map(bytes));

/**
 * The largest record of each bounded store, for the bound (bench/storage/storage-area.ts): a signal,
 * an exposure, a cart line; the profile and the meta values whole.
 */
function largestRecords(data) {
  const stores = data.stores;
  return {
    signal: largest(stores.signals),
    exposure: largest(stores.exposures),
    cartLine: largest(stores.cart.flatMap((c) => c.lines ?? [])),
    profile: largest(stores.profile),
    meta: bytes(stores.meta),
    outbox: bytes(stores.outbox),
    maxRecords: Object.fromEntries(data.kept.filter((k) => k.maxRecords).map((k) => [k.data, k.maxRecords])),
  };
}

async function simulate(name, checkpoints) {
  const shopper = SHOPPERS[name];
  clock = START;
  const v = await createVitrine({ siteId: 'demo-shop', workerUrl: '/dist/vitrine-worker.js', catalogUrl: '/demo/catalog.json', engine: 'inline' });
  await v.consent.set({ functional: true, personalization: true, measurement: true });
  const out = [];
  let records;
  const last = Math.max(...checkpoints);
  for (let day = 1; day <= last; day++) {
    clock = START + (day - 1) * DAY;
    for (let i = 0; i < shopper.views; i++) {
      clock += 60_000;
      const e = shopper.event(day, i);
      v.track(i % 10 === 0 ? 'category_view' : 'product_view', i % 10 === 0 ? { category: e.category } : e);
      if (i % 25 === 0) v.track('search', { query: `${e.category} ${e.brand}`.slice(0, 200) });
      if (i % 40 === 0) await v.cart.add({ sku: e.sku, qty: 1, price: e.price, name: e.sku.slice(0, 100) });
      if (i % Math.ceil(shopper.views / shopper.rounds) === 0) await showOffers(v);
    }
    await v.flush();
    if (checkpoints.includes(day)) {
      const data = await v.privacy.export();
      records = largestRecords(data);
      out.push({
        day,
        bytes: bytes(data.stores),
        records: Object.fromEntries(Object.entries(data.stores).map(([k, x]) => [k, Array.isArray(x) ? x.length : 1])),
      });
    }
    // Checking out empties the cart: measured before it, the cart holds the day's lines.
    if (day % shopper.purchaseEvery === 0) {
      const items = (await v.cart.get()).items.map((l, i) => ({ sku: l.sku, qty: l.qty, price: l.price, category: shopper.event(day, i).category }));
      if (items.length) v.track('purchase', { orderId: `o-${day}`, items, total: items.reduce((s, x) => s + x.price * x.qty, 0), currency: 'EUR' });
      await v.cart.clear();
    }
    await v.flush();
  }
  await v.privacy.forget();
  await v.destroy();
  return { checkpoints: out, largest: records };
}

window.runBench = async ({ shopper, checkpoints }) => simulate(shopper, checkpoints);
window.benchReady = true;
