import { beforeEach, describe, expect, it } from 'vitest';
import { createIdbStore } from '../../worker/storage/idb';
import { createMemoryStore } from '../../worker/storage/memory';
import { EXPOSURE_BYTES, signalBytes, sizeOf } from '../../worker/storage/budget';
import { MAX_EXPOSURES, type ExposureRecord, type Store } from '../../worker/storage/store';
import { keptAnyway } from '../../worker/purposes';
import { updateProfile } from '../../worker/profile';
import type { TrackEvent } from '../../src/protocol/events';
import { freshIndexedDB } from './idb';

const T = Date.now();
const retention = { maxSignals: 10, maxAgeDays: 30 };
/** A purchase of `items` items with long fields, as the validators allow (about 300 B an item). */
const purchase = (n: number, items: number): TrackEvent =>
  ({
    type: 'purchase',
    at: T + n,
    payload: {
      orderId: `order-${n}`,
      total: 100,
      currency: 'EUR',
      items: Array.from({ length: items }, (_, i) => ({ sku: `${'s'.repeat(90)}${i}`, category: 'c'.repeat(100), price: 1, qty: 1, name: 'n'.repeat(100) })),
    },
  }) as TrackEvent;
const append = (store: Store, e: TrackEvent) => store.appendSignals([e], retention, T, (p) => updateProfile(p, [e]), keptAnyway);
const bytesOf = async (store: Store, name: 'signals' | 'exposures') => ((await store.dump())[name] as object[]).reduce((n, r) => n + sizeOf(r), 0);

beforeEach(() => {
  freshIndexedDB();
});

describe.each([
  ['IndexedDB', () => createIdbStore('vitrine:budget', 1000)],
  ['memory', async () => createMemoryStore()],
])('byte budgets in %s', { timeout: 30_000 }, (_, open) => {
  it('keeps the signals within their bytes, the oldest going first, however large each is', async () => {
    const store = await open();
    const big = purchase(0, 10);
    expect(sizeOf(big)).toBeGreaterThan(3000);
    for (let n = 0; n < 8; n++) await append(store, purchase(n, 10));
    const kept = (await store.dump()).signals as TrackEvent[];
    expect(await bytesOf(store, 'signals')).toBeLessThanOrEqual(signalBytes(retention));
    // The newest that fit, in order.
    const fit = Math.floor(signalBytes(retention) / sizeOf(big));
    expect(fit).toBeGreaterThanOrEqual(2);
    expect(kept.map((s) => s.at)).toEqual(Array.from({ length: fit }, (_, i) => T + 8 - fit + i));
    // Small ones after them push out the big ones first, oldest first, and the count bound still holds.
    for (let n = 8; n < 20; n++) await append(store, { type: 'product_view', at: T + n, payload: { sku: `s${n}`, category: 'c' } });
    expect(((await store.dump()).signals as TrackEvent[]).map((s) => s.at)).toEqual(Array.from({ length: 10 }, (_, i) => T + 10 + i));
    store.close();
  });

  it(`keeps the exposures within ${EXPOSURE_BYTES} bytes as well as ${MAX_EXPOSURES} records`, async () => {
    const store = await open();
    const long = (i: number): ExposureRecord => ({
      offer: `${'o'.repeat(96)}${i}`.slice(-100),
      variant: 'v'.repeat(100),
      arm: 'personalized',
      slot: 's'.repeat(100),
      kind: i % 50 ? 'impression' : 'click',
      at: T + i,
      catalog: 'c'.repeat(100),
    });
    for (let i = 0; i < MAX_EXPOSURES; i++) await store.addExposure(long(i), keptAnyway);
    expect(await bytesOf(store, 'exposures')).toBeLessThanOrEqual(EXPOSURE_BYTES);
    const kept = (await store.dump()).exposures as ExposureRecord[];
    expect(kept.length).toBeLessThan(MAX_EXPOSURES);
    expect(Math.max(...kept.map((e) => e.at))).toBe(T + MAX_EXPOSURES - 1);
    store.close();
  });
});

describe('two tabs appending to one database', () => {
  it('keep the signals within their bytes together', async () => {
    const a = await createIdbStore('vitrine:budget', 1000);
    const b = await createIdbStore('vitrine:budget', 1000);
    for (let n = 0; n < 12; n++) await append(n % 2 ? a : b, purchase(n, 10));
    expect(await bytesOf(a, 'signals')).toBeLessThanOrEqual(signalBytes(retention));
    const fit = Math.floor(signalBytes(retention) / sizeOf(purchase(0, 10)));
    expect(((await a.dump()).signals as TrackEvent[]).map((s) => s.at)).toEqual(Array.from({ length: fit }, (_, i) => T + 12 - fit + i));
    a.close();
    b.close();
  });
});
