import { afterEach, describe, expect, it, vi } from 'vitest';
import { createVitrine, type Cart, type Vitrine } from 'vitrine';

/*
 * The cart of the tab's visit without `functional` consent (src/session-cart.ts): kept in the
 * tab's session storage, so the visit's next page starts from it; never in IndexedDB. A next
 * page is a new instance in the same tab (the one before it destroyed, as a page that is left).
 */

const WORKER = '/dist/vitrine-worker.js';
let running: Vitrine[] = [];
let n = 0;
const newSite = () => `visit-${Date.now().toString(36)}-${n++}`;
const copyOf = (site: string) => JSON.parse(sessionStorage.getItem(`vitrine:${site}:cart`) ?? 'null') as { items: { sku: string; qty: number }[] } | null;

async function open(site: string): Promise<Vitrine> {
  const v = await createVitrine({ siteId: site, workerUrl: WORKER });
  running.push(v);
  return v;
}

/** Leaves the page: the instance and its engine go, the tab's session storage stays. */
async function leave(v: Vitrine): Promise<void> {
  running = running.filter((r) => r !== v);
  await v.destroy();
}

/**
 * Leaves the page for the visit's next one.
 * @returns the cart that page starts with
 */
async function nextPageCart(v: Vitrine, site: string): Promise<Cart> {
  await leave(v);
  return (await open(site)).cart.get();
}

/** The cart lines IndexedDB holds for the site (0 without a database). */
async function storedLines(site: string): Promise<number> {
  const names = (await indexedDB.databases()).map((d) => d.name);
  if (!names.includes(`vitrine:${site}`)) return 0;
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(`vitrine:${site}`);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  try {
    const record = await new Promise<{ lines: unknown[] } | undefined>((resolve, reject) => {
      const r = db.transaction('cart').objectStore('cart').get('current');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    return record?.lines.length ?? 0;
  } finally {
    db.close();
  }
}

const TRAIL = { sku: 'TR-1', qty: 1, price: 90, name: 'Trail runner', category: 'trail-running' };
const MAT = { sku: 'YG-1', qty: 2, price: 30, name: 'Yoga mat', category: 'yoga' };

afterEach(async () => {
  for (const v of running) await v.destroy();
  running = [];
  sessionStorage.clear();
});

describe('the cart of the visit, without functional consent', () => {
  it('is back on the visit’s next page after “Reject all”, and only in the tab’s session storage', async () => {
    const site = newSite();
    const first = await open(site);
    await first.consent.set({ functional: false, personalization: false, measurement: false });
    await first.cart.add(TRAIL);
    await first.cart.add(MAT);
    expect(copyOf(site)?.items.map((i) => i.sku)).toEqual(['TR-1', 'YG-1']);
    const data = await first.privacy.export();
    expect(data.page?.visitCart?.items.map((i) => i.sku)).toEqual(['TR-1', 'YG-1']);
    expect(data.kept).toContainEqual({ data: 'visitCart', purposes: [], days: null });
    await leave(first);

    const next = await open(site);
    const cart = await next.cart.get();
    expect(cart.items).toEqual([TRAIL, MAT]);
    expect(cart.restored).toBe(false);
    expect(await storedLines(site)).toBe(0);
    // Still the visit's: a change on this page is what the page after it starts from.
    await next.cart.remove('TR-1');
    expect(copyOf(site)?.items.map((i) => i.sku)).toEqual(['YG-1']);
    await next.cart.clear();
    expect(copyOf(site)).toBeNull();
  });

  it('is not kept before the shopper decides, and is from the decision on', async () => {
    const site = newSite();
    const first = await open(site);
    await first.cart.add(TRAIL);
    expect(copyOf(site)).toBeNull();
    await first.consent.set({ functional: false });
    await vi.waitFor(() => expect(copyOf(site)?.items.map((i) => i.sku)).toEqual(['TR-1']));
    expect((await nextPageCart(first, site)).items).toEqual([TRAIL]);
  });

  it('moves to the device when functional is granted, and the copy goes', async () => {
    const site = newSite();
    const first = await open(site);
    await first.consent.set({ functional: false });
    await first.cart.add(TRAIL);
    expect(copyOf(site)).not.toBeNull();
    await first.consent.set({ functional: true });
    await vi.waitFor(() => expect(copyOf(site)).toBeNull());
    expect(await storedLines(site)).toBe(1);
    expect((await nextPageCart(first, site)).items).toEqual([TRAIL]);
  });

  it('stays for the visit only when functional is withdrawn: erased from the device, kept in the tab', async () => {
    const site = newSite();
    const first = await open(site);
    await first.consent.set({ functional: true });
    await first.cart.add(TRAIL);
    expect(copyOf(site)).toBeNull();
    expect(await storedLines(site)).toBe(1);
    await first.consent.set({ functional: false });
    await vi.waitFor(() => expect(copyOf(site)?.items.map((i) => i.sku)).toEqual(['TR-1']));
    expect(await storedLines(site)).toBe(0);
    expect((await nextPageCart(first, site)).items).toEqual([TRAIL]);
  });

  it('is erased by privacy.forget()', async () => {
    const site = newSite();
    const v = await open(site);
    await v.consent.set({ functional: false });
    await v.cart.add(TRAIL);
    expect(copyOf(site)).not.toBeNull();
    await v.privacy.forget();
    expect(copyOf(site)).toBeNull();
  });

  it('leaves out a copy that is not a valid cart, and the next change replaces it', async () => {
    const site = newSite();
    for (const copy of ['not json', '{"items":"TR-1"}', JSON.stringify({ items: [{ ...TRAIL, qty: 0 }], updatedAt: 1 }), JSON.stringify({ items: [{ ...TRAIL, sku: '' }] })]) {
      sessionStorage.setItem(`vitrine:${site}:cart`, copy);
      const v = await open(site);
      expect((await v.cart.get()).items).toEqual([]);
      await leave(v);
    }
    const v = await open(site);
    await v.consent.set({ functional: false });
    await v.cart.add(MAT);
    expect(copyOf(site)?.items).toEqual([MAT]);
  });
});
