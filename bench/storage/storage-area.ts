/**
 * Area 4 of `npm run bench`: what a device keeps after a year of heavy browsing
 * (bench/storage/storage.html simulates it day by day), and the bound: every store's record cap times
 * its largest record. Caps: `retention.maxSignals` signals and MAX_EXPOSURES exposures (as
 * `privacy.export().kept` states them), CART_LIMITS.lines cart lines, and a profile whose maps
 * are capped (100 categories, 100 brands, 100 purchase categories, 200 SKUs bought).
 */
import type { Engine } from '../../tools/engines/browsers';
import { CART_LIMITS } from '../../src/protocol/cart';
import { browserArea, engineLabel } from '../shared/browser-area';
import { figure, type Figure } from '../shared/results';
import { EXPOSURE_BYTES, signalBytes, sizeOf } from '../../worker/storage/budget';
import { MAX_EXPOSURES } from '../../worker/storage/store';
import { resolveOptions } from '../../src/protocol/options';

/** The largest purchase signal the validators let through: 500 items of 200-character fields, every number at its widest. */
function largestPurchase(): number {
  const field = 'x'.repeat(200);
  const items = Array.from({ length: 500 }, () => ({ sku: field, category: field, price: 1_000_000.25, qty: 1000 }));
  return sizeOf({ type: 'purchase', at: Date.now(), payload: { orderId: field, items, total: 1_000_000_000.25, currency: 'EUR' } });
}

/**
 * The worst case the validators allow for the stores that grow with browsing (signals and
 * exposures), at the default retention: before the byte budgets, every record as large as
 * allowed; with them, the budgets. The other stores as in the bound.
 */
function worstCases(l: Largest): { unbudgeted: number; budgeted: number } {
  const { retention } = resolveOptions({ siteId: 'bench' });
  const rest = CART_LIMITS.lines * l.cartLine + l.profile + l.meta + l.outbox;
  const largestExposure = sizeOf({
    offer: 'o'.repeat(100),
    variant: 'v'.repeat(100),
    arm: 'personalized',
    slot: 's'.repeat(100),
    kind: 'conversion',
    at: Date.now(),
    value: 1e15,
    catalog: 'c'.repeat(100),
  });
  return {
    unbudgeted: retention.maxSignals * largestPurchase() + MAX_EXPOSURES * largestExposure + rest,
    budgeted: signalBytes(retention) + EXPOSURE_BYTES + rest,
  };
}

/** Days after which the heavy shopper's footprint is measured. */
const HEAVY_DAYS = [1, 30, 365];
/** The shopper who grows the store on purpose: by 30 days every cap is reached. */
const UNBOUNDED_DAYS = [1, 14, 30];

interface Checkpoint {
  day: number;
  bytes: number;
  records: Record<string, number>;
}
interface Largest {
  signal: number;
  exposure: number;
  cartLine: number;
  profile: number;
  meta: number;
  outbox: number;
  maxRecords: Record<string, number>;
}
interface Simulation {
  checkpoints: Checkpoint[];
  largest: Largest;
}
type Raw = { heavy: Simulation; unbounded: Simulation };

/** Every store at its cap, each record as large as the largest the unbounded shopper wrote. */
function boundOf(l: Largest): number {
  const cap = (data: string) => {
    const max = l.maxRecords[data];
    if (!max) throw new Error(`privacy.export().kept gives no maxRecords for ${data}`);
    return max;
  };
  return cap('signals') * l.signal + cap('exposures') * l.exposure + CART_LIMITS.lines * l.cartLine + l.profile + l.meta + l.outbox;
}

export const STORAGE = browserArea<Raw>({
  id: '4-storage',
  title: 'Storage footprint and growth',
  about:
    'A simulated year on one device, default retention, all purposes granted, the catalog of the demo shop. Heavy shopper: 200 product and category views a day over 40 categories, searches, 5 cart adds, offers shown in every slot twice a day, a purchase every third day. ' +
    'Unbounded shopper: every product, category and brand new and every text 200 characters long, 300 views and 12 rounds of offers a day, a purchase every day. ' +
    'Bytes: everything the SDK stored, as JSON (its own export); the engines’ navigator.storage.estimate() is not used, as it counts the whole origin with the database’s logs not yet compacted (Chromium: 4 to 6 MB throughout, with no trend). ' +
    'Baseline: the bound for these records, every store at its cap with the unbounded shopper’s largest records (signals, exposures, cart lines, the capped profile, meta); the validators allow larger records (a purchase of 500 items of 200-character fields is about 228 KB as one signal): the worst case they allow is given twice, every signal that large (what only the count bounded), and with the byte budgets that bound signals and exposures now (privacy.export().kept states them as maxBytes). Reports waiting in the outbox (a week at most, with measurement and a collector) are not simulated. One run each: the simulation is deterministic.',
  versions: () => ({}),

  async measure({ run }) {
    const heavy = await run<Simulation>('storage/storage.html', { shopper: 'heavy', checkpoints: HEAVY_DAYS });
    const unbounded = await run<Simulation>('storage/storage.html', { shopper: 'unbounded', checkpoints: UNBOUNDED_DAYS });
    return { heavy, unbounded };
  },

  figures(engine: Engine, raw: Raw): Figure[] {
    const label = engineLabel(engine);
    const bound = { name: `${label}: the bound`, median: boundOf(raw.unbounded.largest) };
    const figures = [figure(`${label}: the bound for these records (every store at its cap)`, 'B', [bound.median], bound)];
    const worst = worstCases(raw.unbounded.largest);
    figures.push(
      figure(`${label}: the worst case the validators allow, every signal the largest purchase (before the byte budgets)`, 'B', [worst.unbudgeted], bound),
      figure(`${label}: the worst case the validators allow, with the byte budgets of signals and exposures`, 'B', [worst.budgeted], bound),
    );
    for (const [shopper, simulation] of Object.entries(raw)) {
      for (const c of simulation.checkpoints) {
        const name = `${label}: ${shopper} shopper after ${c.day} day${c.day > 1 ? 's' : ''} (${c.records.signals} signals, ${c.records.exposures} exposures)`;
        figures.push(figure(`${name}, stored`, 'B', [c.bytes], bound));
      }
    }
    return figures;
  },
});
