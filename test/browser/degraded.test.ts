import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { closeShopPages, openShopPage, publishSite, type ShopWindow } from './shop-page';

/*
 * The script tag when something is wrong on the shop's side, as a merchant's developer meets it
 * in the first hour: the engine's file missing, a host that answers HTML for it, a typo in an
 * option, the catalog, the collector and storage failing. `ready` fires every time, the cart
 * and consent work, the console and `state().notes` say what to fix, and nothing reaches the
 * page as an uncaught error or an unhandled rejection.
 */

const cdn = inject('cdn');
let n = 0;
afterEach(closeShopPages);

/** Opens the shop page (pasted snippet, vitrine.js) of a fresh site with a slot, as the merchant wrote it. */
async function shop(params: Record<string, string> = {}): Promise<ShopWindow> {
  const { site, catalogUrl } = await publishSite('degraded');
  return openShopPage('shipped.html', { site, catalog: catalogUrl, render: 'home-hero', ...params });
}

/** The page's stand-in for the engine: consent, the cart in memory, no offers, and the fix told. */
async function expectStandIn(w: ShopWindow, fix: RegExp): Promise<void> {
  const v = w.shopReady!;
  expect(v.state()).toMatchObject({ engine: 'none', storage: 'memory' });
  expect(v.state().notes.join('\n')).toMatch(fix);
  expect(w.logged!.join('\n')).toMatch(fix);
  await v.consent.set({ functional: true, personalization: true, measurement: false });
  expect(v.state().consent).toMatchObject({ decided: true, purposes: { functional: true, personalization: true, measurement: false } });
  expect((await v.cart.add({ sku: 'A', qty: 1, price: 5 }))!.items).toEqual([{ sku: 'A', qty: 1, price: 5 }]);
  expect((await v.cart.add({ sku: 'A', qty: 2, price: 5, name: 'Mat' }))!.items).toEqual([{ sku: 'A', qty: 3, price: 5, name: 'Mat' }]);
  expect((await v.cart.get())!.items).toHaveLength(1);
  expect((await v.cart.update('A', 0))!.items).toEqual([]);
  expect(await v.decide('home-hero', { limit: 2 })).toEqual([]);
  expect(w.document.querySelectorAll('#slot .vitrine-offer')).toHaveLength(0);
  // A mistake is still told with its code.
  expect(await v.cart.add({ qty: 1, price: 1 } as never)).toBeUndefined();
  expect(w.logged!.at(-1)).toMatch(/^\[vitrine\] invalid-cart-item: cart\.add\(item\)\.sku/);
  expect(w.pageErrors).toEqual([]);
}

describe('the script tag degrades instead of going dark', () => {
  it('with the engine’s file missing: ready fires, the cart and consent work, and the note names the fix', async () => {
    const missing = `${cdn}/c/missing-${n++}/vitrine-worker.js`;
    const w = await shop({ workerUrl: missing });
    await expectStandIn(w, new RegExp(`${missing.replace(/[.]/g, '\\.')} answered 404 .*host vitrine-worker\\.js next to vitrine\\.js, or set workerUrl`));
  });

  it('with a host that answers its home page for the engine’s file: named as HTML, never run as a script', async () => {
    const home = `${cdn}/c/home-${Date.now().toString(36)}-${n++}`;
    const res = await fetch(`${home}?type=text/html`, { method: 'PUT', body: '<!doctype html><title>Our shop</title><h1>Welcome</h1>' });
    expect(res.status).toBe(204);
    const w = await shop({ workerUrl: home });
    await expectStandIn(w, /answered text\/html, not JavaScript: host home-[\w-]+ next to vitrine\.js, or set workerUrl/);
    expect(w.pageErrors!.join('\n')).not.toMatch(/Unexpected token/);
  });

  it('with a typo in an option: a warning names the closest known one, and everything else runs', async () => {
    const w = await shop({ options: JSON.stringify({ collectorURL: 'https://collector.example', trackBatchSiz: 10 }) });
    const v = w.shopReady!;
    expect(v.state().engine).not.toBe('none');
    const warnings = ['options.collectorURL: unknown field; did you mean collectorUrl?', 'options.trackBatchSiz: unknown field; did you mean trackBatchSize?'];
    expect(v.state().notes).toEqual(expect.arrayContaining(warnings));
    for (const warning of warnings) expect(w.logged).toContain(`[vitrine] ${warning}`);
    expect(await v.decide('home-hero', { limit: 2 })).toHaveLength(2);
    expect(w.pageErrors).toEqual([]);
  });

  it('with the catalog, the collector and storage failing: the README’s examples raise nothing on the page', async () => {
    const { site } = await publishSite('degraded');
    // Storage fails: a database of a newer version than this SDK knows (VersionError).
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open(`vitrine:${site}`, 99);
      open.onsuccess = () => (open.result.close(), resolve());
      open.onerror = () => reject(open.error);
    });
    const w = await openShopPage('shipped.html', {
      site,
      catalog: `${cdn}/c/no-catalog-${n++}`,
      render: 'home-hero',
      consent: 'measurement',
      options: JSON.stringify({ collectorUrl: 'http://127.0.0.1:9/', reportWindow: 60_000 }),
    });
    const v = w.shopReady!;
    // The README's examples, as a shop runs them once `ready` has fired.
    v.cart.on('restore', () => undefined);
    v.track('product_view', { sku: 'TR-100', category: 'trail-running', price: 89 });
    void v.cart.add({ sku: 'TR-100', qty: 1, price: 89, name: 'Trail runner' });
    void v.render('home-hero', w.document.querySelector('#slot')!, { limit: 2 });
    void v.decide('home-hero', { limit: 1 });
    void v.flush();
    await vi.waitFor(() => expect(v.state().notes.join('\n')).toMatch(/catalog: .*404/), { timeout: 10_000 });
    expect(v.state()).toMatchObject({ storage: 'memory' });
    expect(v.state().notes.join('\n')).toMatch(/storage: .*VersionError/);
    await new Promise((r) => setTimeout(r, 500));
    expect(w.logged!.join('\n')).toMatch(/\[vitrine\] catalog-unavailable/);
    expect(w.pageErrors).toEqual([]);
    indexedDB.deleteDatabase(`vitrine:${site}`);
  });
});
