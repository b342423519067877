import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import '../../worker/index';
import { createVitrine, VitrineError, type Vitrine, type Cart, type VitrineState } from '../../src/index';
import { freshIndexedDB } from './idb';
import { createEngine } from '../../worker/engine';

let instances: Vitrine[] = [];
async function start(extra: Record<string, unknown> = {}) {
  const v = await createVitrine({ siteId: 'sdk-test', engine: 'inline', ...extra });
  instances.push(v);
  return v;
}

beforeEach(() => {
  freshIndexedDB();
  instances = [];
});
afterEach(async () => {
  for (const v of instances) await v.destroy();
  vi.restoreAllMocks();
});

describe('createVitrine', () => {
  it('reports what runs through state()', async () => {
    const v = await start();
    const state: VitrineState = v.state();
    expect(state).toMatchObject({ engine: 'inline', storage: 'memory', catalogVersion: null });
    expect(state.notes).toEqual(['storage: nothing is stored before the shopper decides']);
    expect(state.consent).toMatchObject({ decided: false, source: 'default', purposes: { necessary: true, functional: false } });
  });

  it('rejects invalid options with a message naming the option', async () => {
    await expect(createVitrine({ siteId: 'ok', engine: 'inline', cartTtlDays: 0 })).rejects.toThrow('options.cartTtlDays');
    await expect(createVitrine(null as never)).rejects.toMatchObject({ code: 'invalid-options' });
  });

  it('refuses engine: "worker" where no Worker can start', async () => {
    await expect(createVitrine({ siteId: 'ok', engine: 'worker' })).rejects.toMatchObject({ code: 'engine-failed' });
  });
});

describe('track', () => {
  it('throws at the call on a bad payload, naming the field, and stores nothing from it', async () => {
    const v = await start();
    await v.consent.set({ personalization: true });
    expect(() => v.track('product_view', { sku: 'A' } as never)).toThrow('product_view.category');
    expect(() => v.track('product_view', { sku: 'A' } as never)).toThrow(VitrineError);
    v.track('product_view', { sku: 'A', category: 'running' });
    await v.flush();
    const data = await v.privacy.export();
    expect(data.stores.signals).toHaveLength(1);
    expect(data.stores.signals![0]).toMatchObject({ type: 'product_view', payload: { sku: 'A', category: 'running' } });
  });

  it('batches: many calls in one task reach the engine together', async () => {
    const v = await start({ trackBatchSize: 500 });
    await v.consent.set({ personalization: true });
    for (let i = 0; i < 300; i++) v.track('category_view', { category: `c${i % 7}` });
    await v.flush();
    const profile = (await v.privacy.export()).stores.profile![0] as { events: number };
    expect(profile.events).toBe(300);
  });
});

describe('consent', () => {
  it('announces a change only after the withdrawn data is gone', async () => {
    const v = await start();
    await v.consent.set({ personalization: true, functional: true });
    v.track('product_view', { sku: 'A', category: 'running' });
    await v.flush();
    const seen: number[] = [];
    v.consent.on('change', () => {
      void v.privacy.export().then((d) => seen.push(d.stores.signals!.length));
    });
    const state = await v.consent.set({ personalization: false });
    expect(state.purposes).toEqual({ necessary: true, functional: true, personalization: false, measurement: false });
    await vi.waitFor(() => expect(seen).toEqual([0]));
  });

  it('rejects unknown purposes and non-boolean values', async () => {
    const v = await start();
    await expect(v.consent.set({ marketing: true } as never)).rejects.toThrow('consent.set.marketing: unknown purpose');
    await expect(v.consent.set({ functional: 'yes' } as never)).rejects.toThrow('consent.set.functional: expected true or false');
    expect(v.consent.get().decided).toBe(false);
  });

  it('comes back from the device as the stored decision', async () => {
    const v = await start();
    await v.consent.set({ functional: true });
    await v.destroy();
    const again = await start();
    expect(again.consent.get()).toMatchObject({ decided: true, source: 'stored', purposes: { functional: true } });
  });
});

describe('cart', () => {
  it('emits change on every edit and restore once, also to a late listener', async () => {
    const v = await start();
    await v.consent.set({ functional: true });
    const changes: Cart[] = [];
    v.cart.on('change', (c) => changes.push(c));
    await v.cart.add({ sku: 'A', qty: 1, price: 5 });
    await v.cart.update('A', 3);
    expect(changes.map((c) => c.items[0]?.qty)).toEqual([1, 3]);
    await v.destroy();

    // An earlier visit: the tab's note of its visit is gone (a browser restart, a new tab).
    sessionStorage.clear();
    const again = await start();
    const restored = await new Promise<Cart>((resolve) => again.cart.on('restore', resolve));
    expect(restored).toMatchObject({ restored: true, items: [{ sku: 'A', qty: 3, price: 5 }] });
    expect(await again.cart.get()).toEqual(restored);
    await again.destroy();

    // The visit's next page: the cart is there, and nobody is greeted again.
    const next = await start();
    const greeted: Cart[] = [];
    next.cart.on('restore', (c) => greeted.push(c));
    expect(await next.cart.get()).toMatchObject({ restored: false, items: [{ sku: 'A', qty: 3 }] });
    await new Promise((r) => setTimeout(r, 10));
    expect(greeted).toEqual([]);
    expect((await next.privacy.export()).page!.visitSeen).toBeGreaterThan(Date.now() - 60_000);
    await next.destroy();

    // Half an hour without a page of the shop: an earlier visit again.
    sessionStorage.setItem('vitrine:sdk-test:seen', String(Date.now() - 31 * 60_000));
    const later = await start();
    expect(await later.cart.get()).toMatchObject({ restored: true });
    // Withdrawing functional erases the tab's note.
    await later.consent.set({ functional: false });
    expect(sessionStorage.getItem('vitrine:sdk-test:seen')).toBeNull();
  });

  it('records no signal for a cart change: the page tracks add_to_cart itself (README, "Set it up on your shop")', async () => {
    const v = await start();
    await v.consent.set({ functional: true, personalization: true });
    await v.cart.add({ sku: 'A', qty: 1, price: 5, category: 'yoga' });
    await v.flush();
    expect((await v.privacy.export()).stores.signals).toEqual([]);
    v.track('add_to_cart', { sku: 'A', category: 'yoga', price: 5 });
    await v.flush();
    expect(((await v.privacy.export()).stores.signals as { type: string }[]).map((e) => e.type)).toEqual(['add_to_cart']);
  });

  it('rejects a bad item with the field named', async () => {
    const v = await start();
    await expect(v.cart.add({ sku: 'A', qty: 1 } as never)).rejects.toThrow('cart.add(item).price');
    await expect(v.cart.update('A', 1.5)).rejects.toMatchObject({ code: 'invalid-cart-item' });
  });

  it('revalidates with the merchant function and reports what changed', async () => {
    const v = await start();
    await v.cart.add({ sku: 'A', qty: 1, price: 5 });
    await v.cart.add({ sku: 'B', qty: 1, price: 5 });
    const fetchCurrent = vi.fn(async (skus: string[]) => Object.fromEntries(skus.map((s) => [s, { available: s === 'A', price: 6 }])));
    const result = await v.cart.revalidate(fetchCurrent);
    expect(fetchCurrent).toHaveBeenCalledWith(['A', 'B']);
    expect(result.repriced).toEqual([{ sku: 'A', from: 5, to: 6 }]);
    expect(result.removed).toEqual([{ sku: 'B', qty: 1, price: 5 }]);
    expect((await v.cart.get()).items).toEqual([{ sku: 'A', qty: 1, price: 6 }]);
  });
});

describe('privacy', () => {
  it('forget erases and returns consent to undecided', async () => {
    const v = await start();
    await v.consent.set({ functional: true, personalization: true });
    await v.cart.add({ sku: 'A', qty: 1, price: 5 });
    await v.privacy.forget();
    expect(v.consent.get().decided).toBe(false);
    expect(v.state().storage).toBe('memory');
    expect((await v.cart.get()).items).toEqual([]);
  });
});

describe('public types', () => {
  it('types track payloads by event type', () => {
    expectTypeOf<Vitrine['track']>().parameter(0).toEqualTypeOf<'page_view' | 'product_view' | 'category_view' | 'search' | 'add_to_cart' | 'remove_from_cart' | 'purchase' | 'offer_click'>();
    const typed = (v: Vitrine) => {
      // @ts-expect-error a search has a query, not a sku
      v.track('search', { sku: 'A' });
      // @ts-expect-error cart items need a price
      void v.cart.add({ sku: 'A', qty: 1 });
      v.track('search', { query: 'ok' });
    };
    expectTypeOf(typed).parameter(0).toEqualTypeOf<Vitrine>();
    expectTypeOf<VitrineState['reports']>().toEqualTypeOf<{ pending: number; sent: number; dropped: number; error?: string }>();
    expectTypeOf<VitrineState['engine']>().toEqualTypeOf<'worker' | 'blob-worker' | 'inline' | 'none'>();
    expectTypeOf<VitrineState['storage']>().toEqualTypeOf<'indexeddb' | 'memory'>();
  });
});

describe('Global Privacy Control', () => {
  afterEach(() => {
    delete (navigator as unknown as Record<string, unknown>).globalPrivacyControl;
  });
  const gpcOn = () => Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });

  it('yields to what the shopper grants explicitly, now and on the next visit', async () => {
    gpcOn();
    const v = await start();
    expect(v.consent.get()).toMatchObject({ decided: false, gpc: true });
    await v.consent.set({ functional: true, personalization: true, measurement: true });
    expect(v.consent.get()).toMatchObject({ explicit: true, gpc: true, purposes: { personalization: true, measurement: true } });
    await v.destroy();
    const again = await start();
    expect(again.consent.get()).toMatchObject({ source: 'stored', purposes: { personalization: true, measurement: true } });
  });

  it("caps a stored decision that was not the shopper's own act, and erases what it no longer allows", async () => {
    // A CMP's loaded state, stored by an earlier visit without GPC.
    const engine = createEngine();
    await engine.init({ siteId: 'sdk-test' }, () => undefined);
    await engine.setConsent({ decided: true, purposes: { necessary: true, functional: true, personalization: true, measurement: true }, source: 'tcf', updatedAt: Date.now(), explicit: false });
    expect(await engine.track([{ type: 'category_view', at: Date.now(), payload: { category: 'yoga' } }])).toEqual({ ok: true, value: 1 });
    await engine.close();

    gpcOn();
    const v = await start();
    expect(v.consent.get()).toMatchObject({ decided: true, gpc: true, purposes: { functional: true, personalization: false, measurement: false } });
    expect((await v.privacy.export()).stores.signals).toEqual([]);
  });
});
