import { describe, expect, it } from 'vitest';
import { standInEngine } from '../../src/stand-in-engine';
import type { CartOp } from '../../src/protocol/cart';

/*
 * The page's stand-in for an engine that could not start (src/stand-in-engine.ts): the cart in
 * memory with the engine's rules and checks, consent taken, no offers, nothing kept.
 */

const start = async (visitCart: unknown = null, consent: unknown = { source: 'onetrust', categories: { personalization: 'C0007' }, waitMs: 500 }) => {
  const engine = standInEngine('the engine could not start');
  const hello = await engine.call('init', { siteId: 'shop', consent } as never, () => undefined, visitCart);
  return { engine, hello };
};

describe('the stand-in engine', () => {
  it('says it runs in memory, with the consent options read as the engine would', async () => {
    const { engine, hello } = await start();
    expect(engine.kind).toBe('none');
    expect(engine.fallbackReason).toBe('the engine could not start');
    expect(hello).toMatchObject({ storage: 'memory', consent: null, catalogVersion: null, cart: { items: [], restored: false } });
    expect(hello.consentOptions).toEqual({ source: 'onetrust', categories: { personalization: ['C0007'] }, vendorId: undefined, waitMs: 500 });
    expect((await start(null, { source: 'carrier-pigeon' })).hello.consentOptions.source).toBe('manual');
  });

  it('keeps the cart by the engine’s rules: adds to a line, updates, removes, clears, and checks each change', async () => {
    const { engine } = await start();
    await engine.call('cart', { kind: 'add', item: { sku: 'A', qty: 1, price: 5 } });
    expect((await engine.call('cart', { kind: 'add', item: { sku: 'A', qty: 2, price: 6, name: 'Mat' } })).items).toEqual([{ sku: 'A', qty: 3, price: 6, name: 'Mat' }]);
    await engine.call('cart', { kind: 'add', item: { sku: 'B', qty: 1, price: 1 } });
    expect((await engine.call('cart', { kind: 'update', sku: 'A', qty: 1 })).items.map((i) => [i.sku, i.qty])).toEqual([
      ['A', 1],
      ['B', 1],
    ]);
    expect((await engine.call('cart', { kind: 'update', sku: 'A', qty: 0 })).items.map((i) => i.sku)).toEqual(['B']);
    expect((await engine.call('cart', { kind: 'remove', sku: 'B' })).items).toEqual([]);
    await expect(engine.call('cart', { kind: 'add', item: { sku: 'A', qty: 1 } } as never)).rejects.toMatchObject({
      code: 'invalid-cart-item',
      message: expect.stringContaining('cart.add(item).price'),
    });
    await engine.call('cart', { kind: 'add', item: { sku: 'C', qty: 1, price: 1 } });
    expect((await engine.call('cart', { kind: 'clear' })).items).toEqual([]);
    expect((await engine.call('getCart')).updatedAt).toBeGreaterThan(0);
  });

  it('revalidates: reprices, removes what is gone, leaves what it was not told of', async () => {
    const { engine } = await start();
    for (const sku of ['A', 'B', 'C']) await engine.call('cart', { kind: 'add', item: { sku, qty: 1, price: 10 } });
    const result = await engine.call('revalidateCart', { A: { available: true, price: 12 }, B: { available: false } });
    expect(result).toMatchObject({ repriced: [{ sku: 'A', from: 10, to: 12 }], removed: [{ sku: 'B' }], unchecked: ['C'] });
    expect(result.cart.items.map((i) => [i.sku, i.price])).toEqual([
      ['A', 12],
      ['C', 10],
    ]);
  });

  it('takes a handoff link’s lines once', async () => {
    const { engine } = await start();
    const op: CartOp = { kind: 'handoff', id: 'link-1', at: Date.now(), items: [{ sku: 'A', qty: 2, price: 3 }] };
    expect((await engine.call('cart', op)).items).toEqual([{ sku: 'A', qty: 2, price: 3 }]);
    expect((await engine.call('cart', op)).items).toEqual([{ sku: 'A', qty: 2, price: 3 }]);
  });

  it('starts from the visit’s cart, checked as the engine checks it: a copy that is not a cart is left out', async () => {
    expect((await start({ items: [{ sku: 'A', qty: 1, price: 2 }], updatedAt: 1, restored: false })).hello.cart.items).toEqual([{ sku: 'A', qty: 1, price: 2 }]);
    expect(
      (
        await start({
          items: [
            { sku: 'A', qty: 1, price: 2 },
            { sku: 'B', qty: -4, price: 1 },
          ],
          updatedAt: 1,
          restored: false,
        })
      ).hello.cart.items,
    ).toEqual([]);
  });

  it('has no offers, keeps nothing, and forgets the cart', async () => {
    const { engine } = await start();
    expect(await engine.call('decide', 'home-hero', undefined)).toEqual([]);
    expect(await engine.call('cachedDecision', 'home-hero')).toBeNull();
    expect(await engine.call('setConsent', { decided: true } as never)).toBe('memory');
    await engine.call('cart', { kind: 'add', item: { sku: 'A', qty: 1, price: 5 } });
    expect(await engine.call('exportData')).toMatchObject({ storage: 'memory', stores: {}, memory: { cart: { items: [{ sku: 'A' }] } } });
    await engine.call('forget');
    expect((await engine.call('getCart')).items).toEqual([]);
  });
});
