import { afterEach, describe, expect, it, vi } from 'vitest';
// 'vitrine' is the built ESM bundle (dist/vitrine.mjs, see vitest.config.ts) and the built worker,
// as a merchant ships them (`npm test` builds first).
import { createVitrine, type Cart, type Vitrine } from 'vitrine';

const WORKER = '/dist/vitrine-worker.js';
let running: Vitrine[] = [];
let n = 0;
const site = () => `browser-${Date.now().toString(36)}-${n++}`;

async function start(siteId: string, extra: Record<string, unknown> = {}): Promise<Vitrine> {
  const v = await createVitrine({ siteId, workerUrl: WORKER, ...extra });
  running.push(v);
  return v;
}

/** The test page's origin under another name: the same server, but cross-origin to the page. */
function otherOrigin(): string {
  const other = location.origin.replace('localhost', '127.0.0.1');
  expect(other).not.toBe(location.origin);
  return other;
}

function openRaw(name: string, version?: number, upgrade?: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(name, version);
    r.onupgradeneeded = () => upgrade?.(r.result);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function count(siteId: string, store: string): Promise<number> {
  const db = await openRaw(`vitrine:${siteId}`);
  try {
    return await new Promise((resolve, reject) => {
      const r = db.transaction(store).objectStore(store).count();
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  } finally {
    db.close();
  }
}

afterEach(async () => {
  for (const v of running) await v.destroy();
  running = [];
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('engine in a real browser', () => {
  it('runs in a Worker, and opens IndexedDB at the first consent decision', async () => {
    const v = await start(site());
    expect(v.state()).toMatchObject({ engine: 'worker', storage: 'memory', notes: ['storage: nothing is stored before the shopper decides'] });
    await v.consent.set({ functional: false });
    expect(v.state()).toMatchObject({ engine: 'worker', storage: 'indexeddb', notes: [] });
  });

  it('falls back to a blob: Worker when the worker script is on another origin', async () => {
    const v = await start(site(), { workerUrl: otherOrigin() + WORKER });
    expect(v.state().engine).toBe('blob-worker');
    await v.cart.add({ sku: 'A', qty: 1, price: 1 });
    expect((await v.cart.get()).items).toHaveLength(1);
  });

  it('says which Worker could not start when it falls back to a blob: Worker', async () => {
    // Each engine refuses the cross-origin Worker its own way: Chromium throws a message naming
    // the script, WebKit throws a bare "The operation is insecure.", Firefox fires an error event.
    const v = await start(site(), { workerUrl: otherOrigin() + WORKER });
    expect(v.state().notes[0]).toMatch(/^engine: .*Worker/);
  });

  it('runs in the page when Workers are blocked, and says so', async () => {
    vi.stubGlobal(
      'Worker',
      class {
        constructor() {
          throw new DOMException('Refused to create a worker: Content Security Policy', 'SecurityError');
        }
      },
    );
    const v = await start(site());
    expect(v.state().engine).toBe('inline');
    expect(v.state().notes.join(' ')).toMatch(/Content Security Policy/);
    await v.consent.set({ personalization: true });
    v.track('product_view', { sku: 'A', category: 'c' });
    await v.flush();
    expect((await v.privacy.export()).stores.signals).toHaveLength(1);
  });

  it('runs in the page when a Worker starts but cannot run the engine, and says so', async () => {
    // The real engine, made to fail in any Worker scope (as a browser that cannot run it there).
    const engine = await (await fetch(WORKER)).text();
    const failing = `if (typeof WorkerGlobalScope !== 'undefined') throw new Error('no engine in Workers here');\n${engine}`;
    const workerUrl = URL.createObjectURL(new Blob([failing], { type: 'text/javascript' }));
    try {
      const v = await start(site(), { workerUrl });
      expect(v.state().engine).toBe('inline');
      expect(v.state().notes.join(' ')).toMatch(/Worker .*failed to start/);
      await v.consent.set({ functional: true });
      await v.cart.add({ sku: 'A', qty: 1, price: 1 });
      expect((await v.cart.get()).items).toEqual([{ sku: 'A', qty: 1, price: 1 }]);
    } finally {
      URL.revokeObjectURL(workerUrl);
    }
  });

  it('degrades to memory, and says why, when the database belongs to a newer version', async () => {
    const id = site();
    const newer = await openRaw(`vitrine:${id}`, 99, (db) => db.createObjectStore('from-the-future'));
    newer.close();
    const v = await start(id);
    expect(v.state().storage).toBe('memory');
    expect(v.state().notes.join(' ')).toMatch(/VersionError/);
    await v.cart.add({ sku: 'A', qty: 1, price: 1 });
    expect((await v.cart.get()).items).toHaveLength(1);
  });

  it('rejects pending calls when the worker dies, and later calls at once', async () => {
    const v = await start(site(), { workerUrl: '/test/browser/fixtures/crashing-worker.js', callTimeoutMs: 60_000 });
    expect(v.state().engine).toBe('worker');
    await expect(v.privacy.export()).rejects.toMatchObject({ code: 'engine-failed', message: 'the engine worker died' });
    await expect(v.cart.get()).rejects.toMatchObject({ code: 'engine-failed' });
  });
});

describe('consent and storage', () => {
  it('with no consent decision, IndexedDB holds no signals', async () => {
    const id = site();
    const v = await start(id);
    for (let i = 0; i < 20; i++) v.track('product_view', { sku: `S${i}`, category: 'running' });
    await v.cart.add({ sku: 'A', qty: 1, price: 1 });
    await v.flush();
    // Not even an empty database exists before the shopper decides.
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(`vitrine:${id}`);
    await v.consent.set({ personalization: true });
    v.track('product_view', { sku: 'X', category: 'running' });
    await v.flush();
    // The 20 events of the undecided moments plus the new one.
    expect(await count(id, 'signals')).toBe(21);
  });

  it('withdrawing personalization leaves no signals or profile', async () => {
    const id = site();
    const v = await start(id);
    await v.consent.set({ personalization: true, functional: true });
    v.track('category_view', { category: 'yoga' });
    await v.flush();
    expect(await count(id, 'profile')).toBe(1);
    await v.consent.set({ personalization: false });
    expect(await count(id, 'signals')).toBe(0);
    expect(await count(id, 'profile')).toBe(0);
  });
});

type ShopWindow = Window & { shopReady?: Vitrine };

/** Loads the fixture shop page (script tag, built bundle, real Worker) in an iframe. */
async function framePage(siteId: string, frame = document.createElement('iframe')): Promise<{ frame: HTMLIFrameElement; v: () => Vitrine }> {
  frame.src = `/test/browser/fixtures/shop.html?site=${siteId}`;
  if (!frame.isConnected) document.body.append(frame);
  const w = () => frame.contentWindow as ShopWindow;
  await vi.waitFor(() => expect(w().shopReady).toBeDefined(), { timeout: 10_000 });
  return { frame, v: () => w().shopReady! };
}

describe('cart in a real browser', () => {
  it('survives a reload of the page (script tag)', async () => {
    const id = site();
    const { frame, v } = await framePage(id);
    expect(v().state().engine).toBe('worker');
    await v().consent.set({ functional: true });
    await v().cart.add({ sku: 'A', qty: 2, price: 10 });
    const reloaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    frame.contentWindow!.location.reload();
    await reloaded;
    await vi.waitFor(() => expect((frame.contentWindow as ShopWindow).shopReady).toBeDefined(), { timeout: 10_000 });
    // The same visit: the cart is there, not "restored" (that is for an earlier visit).
    expect(await v().cart.get()).toMatchObject({ restored: false, items: [{ sku: 'A', qty: 2, price: 10 }] });
    frame.remove();
  });

  it('keeps two pages (script tag, each with its own Worker) in sync', async () => {
    const id = site();
    const a = await framePage(id);
    await a.v().consent.set({ functional: true });
    const b = await framePage(id);
    await a.v().cart.add({ sku: 'A', qty: 1, price: 5 });
    await vi.waitFor(async () => expect((await b.v().cart.get()).items).toEqual([{ sku: 'A', qty: 1, price: 5 }]));
    await b.v().cart.remove('A');
    await vi.waitFor(async () => expect((await a.v().cart.get()).items).toEqual([]));
    a.frame.remove();
    b.frame.remove();
  });

  it('survives the page going away and comes back restored', async () => {
    const id = site();
    const first = await start(id);
    await first.consent.set({ functional: true });
    await first.cart.add({ sku: 'A', qty: 2, price: 10, name: 'Trail shoe' });
    await first.destroy();
    running = [];

    // A browser restart ends the tab's session storage, where the tab notes its visit.
    sessionStorage.removeItem(`vitrine:${id}:seen`);
    const second = await start(id);
    const cart = await second.cart.get();
    expect(cart).toMatchObject({ restored: true, items: [{ sku: 'A', qty: 2, price: 10, name: 'Trail shoe' }] });
    await second.destroy();
    running = [];
    // The visit's next page: the same cart, not greeted again.
    const third = await start(id);
    expect(await third.cart.get()).toMatchObject({ restored: false, items: [{ sku: 'A', qty: 2 }] });
  });

  it('keeps two pages of the same origin in sync', async () => {
    const id = site();
    const a = await start(id);
    await a.consent.set({ functional: true });
    const b = await start(id);
    const seen: Cart[] = [];
    b.cart.on('change', (c) => seen.push(c));
    await a.cart.add({ sku: 'A', qty: 1, price: 5 });
    await vi.waitFor(() => expect(seen.at(-1)?.items.map((i) => i.sku)).toEqual(['A']));
    await b.cart.update('A', 4);
    await vi.waitFor(async () => expect((await a.cart.get()).items[0]?.qty).toBe(4));
  });

  it('loses no line when two pages add at the same time', async () => {
    const id = site();
    const a = await start(id);
    await a.consent.set({ functional: true });
    const b = await start(id);
    await vi.waitFor(() => expect(b.consent.get().purposes.functional).toBe(true));
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).cart.add({ sku: `S${i}`, qty: 1, price: 1 })));
    expect((await a.cart.get()).items).toHaveLength(12);
    await vi.waitFor(async () => expect((await b.cart.get()).items).toHaveLength(12));
  });

  it('forget erases the database in every open page', async () => {
    const id = site();
    const a = await start(id);
    const b = await start(id);
    await a.consent.set({ functional: true, personalization: true });
    await a.cart.add({ sku: 'A', qty: 1, price: 1 });
    await vi.waitFor(async () => expect((await b.cart.get()).items).toHaveLength(1));
    await a.privacy.forget();
    await vi.waitFor(() => expect(b.consent.get().decided).toBe(false));
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(`vitrine:${id}`);
    expect((await b.cart.get()).items).toEqual([]);
  });
});
