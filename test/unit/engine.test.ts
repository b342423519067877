import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../worker/engine';
import type { EngineApi, EngineEvent, Reply } from '../../src/protocol/engine';
import type { Cart } from '../../src/protocol/cart';
import type { TrackEvent } from '../../src/protocol/events';
import { decided, ok } from './replies';
import { forceClose, freshIndexedDB } from './idb';

const SITE = 'engine-test';
const DB = `vitrine:${SITE}`;

const ALL = decided({ functional: true, personalization: true, measurement: true });
const NONE = decided({});

/** The cart from a reply of engine.cart (which answers revalidations with more). */
function cartOf(reply: Reply<unknown>): Cart {
  return ok(reply) as Cart;
}

const view = (sku: string, category = 'running'): TrackEvent => ({ type: 'product_view', at: Date.now(), payload: { sku, category } });
const item = (sku: string, qty = 1) => ({ sku, qty, price: 10 });

/** An engine with its event log, standing in for one browser tab. */
async function tab(options: Record<string, unknown> = {}) {
  const engine = createEngine();
  const events: EngineEvent[] = [];
  const hello = ok(await engine.init({ siteId: SITE, ...options }, (e) => events.push(e)));
  open.push(engine);
  return { engine, events, hello };
}

async function rawCount(store: string): Promise<number> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(DB);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  try {
    return await new Promise((resolve) => {
      const r = db.transaction(store).objectStore(store).count();
      r.onsuccess = () => resolve(r.result);
    });
  } finally {
    db.close();
  }
}

let env: ReturnType<typeof freshIndexedDB>;
let open: EngineApi[] = [];
beforeEach(() => {
  env = freshIndexedDB();
  open = [];
});
afterEach(async () => {
  for (const e of open) await e.close();
  vi.restoreAllMocks();
});

describe('before any consent decision', () => {
  it('does not even create the database, and says it has no stored decision', async () => {
    const { engine, hello } = await tab();
    expect(hello.consent).toBeNull();
    expect(hello).toMatchObject({ storage: 'memory', storageReason: 'nothing is stored before the shopper decides' });
    expect(ok(await engine.track([view('a'), view('b')]))).toBe(0);
    cartOf(await engine.cart({ kind: 'add', item: item('A') }));
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(DB);
  });

  it('creates the database at the first decision', async () => {
    const { engine, events } = await tab();
    ok(await engine.setConsent(NONE));
    expect(events).toContainEqual({ type: 'storage', storage: 'indexeddb' });
    expect(await rawCount('meta')).toBe(1);
    expect(await rawCount('signals')).toBe(0);
  });

  it('keeps the cart in memory for the session', async () => {
    const { engine } = await tab();
    const cart = cartOf(await engine.cart({ kind: 'add', item: item('A', 2) }));
    expect(cart.items).toEqual([item('A', 2)]);
  });

  it('stores the signals of the undecided moments once personalization is granted', async () => {
    const { engine } = await tab();
    ok(await engine.track([view('a')]));
    ok(await engine.setConsent(ALL));
    expect(await rawCount('signals')).toBe(1);
  });

  it('discards them when the shopper refuses', async () => {
    const { engine } = await tab();
    ok(await engine.track([view('a')]));
    ok(await engine.setConsent(NONE));
    const data = ok(await engine.exportData());
    expect(data.memory.undecidedSignals).toEqual([]);
    expect(await rawCount('signals')).toBe(0);
  });
});

describe('personalization', () => {
  it('stores signals and the profile only with consent', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(decided({ functional: true })));
    expect(ok(await engine.track([view('a')]))).toBe(0);
    ok(await engine.setConsent(ALL));
    expect(ok(await engine.track([view('b'), view('c')]))).toBe(2);
    expect(await rawCount('signals')).toBe(2);
    expect(await rawCount('profile')).toBe(1);
  });

  it('erases signals and profile before the withdrawal resolves', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(ALL));
    ok(await engine.track([view('a'), view('b')]));
    ok(await engine.setConsent(decided({ functional: true, measurement: true })));
    expect(await rawCount('signals')).toBe(0);
    expect(await rawCount('profile')).toBe(0);
  });

  it('applies the retention bounds from the options', async () => {
    const { engine } = await tab({ retention: { maxSignals: 3 } });
    ok(await engine.setConsent(ALL));
    ok(await engine.track([view('1'), view('2'), view('3'), view('4'), view('5')]));
    expect(await rawCount('signals')).toBe(3);
  });

  it('refuses invalid options with a message naming the option', async () => {
    const engine = createEngine();
    const reply = await engine.init({ siteId: SITE, retention: { maxSignals: -1 } }, () => undefined);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-options', message: expect.stringContaining('retention.maxSignals') } });
  });
});

describe('the cart across sessions', () => {
  it('is restored in a new session with functional consent', async () => {
    const first = await tab();
    ok(await first.engine.setConsent(decided({ functional: true })));
    cartOf(await first.engine.cart({ kind: 'add', item: item('A', 2) }));
    cartOf(await first.engine.cart({ kind: 'add', item: item('B') }));
    ok(await first.engine.close());

    const second = await tab();
    expect(second.hello.consent?.purposes.functional).toBe(true);
    expect(second.hello.cart.restored).toBe(true);
    expect(second.hello.cart.items).toEqual([item('A', 2), item('B')]);
  });

  it('is not kept on the device without functional consent', async () => {
    const first = await tab();
    ok(await first.engine.setConsent(decided({ personalization: true })));
    cartOf(await first.engine.cart({ kind: 'add', item: item('A') }));
    ok(await first.engine.close());
    const second = await tab();
    expect(second.hello.cart.items).toEqual([]);
    expect(await rawCount('cart')).toBe(0);
  });

  it('keeps the cart added before the decision once functional is granted', async () => {
    const first = await tab();
    cartOf(await first.engine.cart({ kind: 'add', item: item('A') }));
    ok(await first.engine.setConsent(decided({ functional: true })));
    ok(await first.engine.close());
    expect((await tab()).hello.cart.items).toEqual([item('A')]);
  });

  it('withdrawing functional deletes the stored cart but keeps it for this session', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(decided({ functional: true })));
    cartOf(await engine.cart({ kind: 'add', item: item('A') }));
    ok(await engine.setConsent(decided({})));
    expect(await rawCount('cart')).toBe(0);
    expect(cartOf(await engine.getCart()).items).toEqual([item('A')]);
  });

  it('expires after cartTtlDays', async () => {
    const first = await tab({ cartTtlDays: 2 });
    ok(await first.engine.setConsent(decided({ functional: true })));
    cartOf(await first.engine.cart({ kind: 'add', item: item('A') }));
    ok(await first.engine.close());
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + 2 * 86_400_000 + 60_000);
    const second = await tab({ cartTtlDays: 2 });
    expect(second.hello.cart).toMatchObject({ items: [], restored: false });
    expect(await rawCount('cart')).toBe(0);
  });

  it('refuses an invalid item and keeps the cart as it was', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(decided({ functional: true })));
    cartOf(await engine.cart({ kind: 'add', item: item('A') }));
    const reply = await engine.cart({ kind: 'add', item: { sku: 'B', qty: 0, price: 1 } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-cart-item', message: expect.stringContaining('qty') } });
    expect(cartOf(await engine.getCart()).items).toEqual([item('A')]);
  });

  it('revalidates against the merchant and reports each change', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(decided({ functional: true })));
    cartOf(await engine.cart({ kind: 'add', item: item('A') }));
    cartOf(await engine.cart({ kind: 'add', item: item('B') }));
    const r = ok(await engine.revalidateCart({ A: { available: true, price: 12 }, B: { available: false } }));
    expect(r.repriced).toEqual([{ sku: 'A', from: 10, to: 12 }]);
    expect(r.removed).toEqual([item('B')]);
    expect(r.cart.items).toEqual([{ sku: 'A', qty: 1, price: 12 }]);
  });
});

describe('two tabs', () => {
  it('lose no line when both add at once', async () => {
    const a = await tab();
    const b = await tab();
    ok(await a.engine.setConsent(decided({ functional: true })));
    await vi.waitFor(() => expect(b.events.some((e) => e.type === 'consent')).toBe(true));
    const adds = Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).engine.cart({ kind: 'add', item: item(`S${i}`) }));
    (await Promise.all(adds)).forEach(ok);
    const skus = cartOf(await a.engine.getCart())
      .items.map((i) => i.sku)
      .sort();
    expect(skus).toEqual(Array.from({ length: 10 }, (_, i) => `S${i}`).sort());
    await vi.waitFor(async () => expect(cartOf(await b.engine.getCart()).items).toHaveLength(10));
  });

  it('share the session cart without functional consent, also with a tab opened later', async () => {
    const a = await tab();
    cartOf(await a.engine.cart({ kind: 'add', item: item('A') }));
    const b = await tab();
    await vi.waitFor(async () => expect(cartOf(await b.engine.getCart()).items).toEqual([item('A')]));
    cartOf(await b.engine.cart({ kind: 'add', item: item('B') }));
    await vi.waitFor(async () => expect(cartOf(await a.engine.getCart()).items).toEqual([item('A'), item('B')]));
    expect(a.events.some((e) => e.type === 'cart' && e.cause === 'remote')).toBe(true);
  });

  it('withdrawal in one tab stops the other from storing', async () => {
    const a = await tab();
    const b = await tab();
    ok(await a.engine.setConsent(ALL));
    await vi.waitFor(() => expect(b.events.filter((e) => e.type === 'consent')).toHaveLength(1));
    ok(await a.engine.setConsent(NONE));
    await vi.waitFor(() => expect(b.events.filter((e) => e.type === 'consent')).toHaveLength(2));
    expect(ok(await b.engine.track([view('x')]))).toBe(0);
    expect(await rawCount('signals')).toBe(0);
  });
});

describe('privacy', () => {
  it('exports everything stored', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(ALL));
    ok(await engine.track([view('a')]));
    cartOf(await engine.cart({ kind: 'add', item: item('A') }));
    const data = ok(await engine.exportData());
    expect(data.siteId).toBe(SITE);
    expect(data.stores.signals).toHaveLength(1);
    expect(data.stores.profile).toHaveLength(1);
    expect(data.stores.cart).toHaveLength(1);
    expect(data.stores.meta).toContainEqual({ key: 'consent', value: ALL });
    expect(data.stores.meta).toContainEqual({ key: 'seed', value: expect.any(Number) });
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it('forget erases everything, the database included, and returns to undecided', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(ALL));
    ok(await engine.track([view('a')]));
    cartOf(await engine.cart({ kind: 'add', item: item('A') }));
    ok(await engine.forget());
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(DB);
    const data = ok(await engine.exportData());
    expect(data.storage).toBe('memory');
    expect(Object.values(data.stores).flat()).toEqual([]);
    expect(data.memory.cart.items).toEqual([]);
    // A new decision brings IndexedDB back.
    ok(await engine.setConsent(ALL));
    expect(ok(await engine.exportData()).storage).toBe('indexeddb');
  });
});

describe('memory mode', () => {
  it('runs in memory and says why when indexedDB.open throws', async () => {
    env.factory.open = () => {
      throw new DOMException('no storage in this mode', 'SecurityError');
    };
    const { engine, events } = await tab();
    ok(await engine.setConsent(ALL));
    expect(events).toContainEqual({ type: 'storage', storage: 'memory', reason: expect.stringMatching(/SecurityError/) });
    expect(ok(await engine.track([view('a')]))).toBe(1);
    expect(ok(await engine.exportData()).stores.signals).toHaveLength(1);
  });

  it('runs in memory when indexedDB.open never answers', async () => {
    // A request whose events never come (a browser that hangs on open).
    env.factory.open = () => ({}) as IDBOpenDBRequest;
    const { engine, events } = await tab({ storageTimeoutMs: 50 });
    ok(await engine.setConsent(ALL));
    expect(events).toContainEqual({ type: 'storage', storage: 'memory', reason: expect.stringMatching(/did not answer within 50 ms/) });
  });

  it('falls back to memory mid-session, keeps the cart, and says so', async () => {
    const { engine, events } = await tab();
    ok(await engine.setConsent(decided({ functional: true })));
    cartOf(await engine.cart({ kind: 'add', item: item('A') }));
    env.factory.open = () => {
      throw new DOMException('gone', 'UnknownError');
    };
    for (const c of env.connections) forceClose(c);
    const cart = cartOf(await engine.cart({ kind: 'add', item: item('B') }));
    expect(cart.items).toEqual([item('A'), item('B')]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'storage', storage: 'memory' }));
    // The decision moved to memory too: writes it allows still land there.
    ok(await engine.exposure({ offer: 'o', variant: 'default', slot: 's', arm: 'contextual', kind: 'impression' }));
    expect(ok(await engine.exportData()).stores.exposures).toMatchObject([{ offer: 'o', kind: 'impression' }]);
  });
});
