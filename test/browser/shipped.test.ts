import { afterEach, describe, expect, it } from 'vitest';
import type { Vitrine } from 'vitrine';
import type { EngineKind } from '../../src/protocol/engine';
import { testCatalog } from '../fixtures/catalog';
import { catalogUrlOf, closeShopPages, openShopPage, publishSite, type ShopWindow } from './shop-page';

/*
 * What ships, loaded as a shop serves it: the pasted snippet, `vitrine.js` by script tag, the
 * worker and its chunks (decide, report, render) from dist/, in an iframe of its own. The
 * instance the script tag hands to `ready` lets nothing reach the page: a caller's mistake
 * resolves to undefined and is told on the console with its code (read there, across realms).
 */

afterEach(closeShopPages);

/** How a shop page may run the engine, and the page that makes it so. */
const SETUPS: { engine: EngineKind; page: string; workerUrl?: () => string }[] = [
  { engine: 'worker', page: 'shipped.html' },
  // A worker script on another origin (a CDN) cannot start as a Worker: a blob: Worker imports it.
  { engine: 'blob-worker', page: 'shipped.html', workerUrl: () => `${location.origin.replace('localhost', '127.0.0.1')}/dist/vitrine-worker.js` },
  { engine: 'inline', page: 'shipped-csp.html' },
];

/** Opens the shop page for a fresh site with its own published catalog, and waits for `ready`. */
async function openShop(setup: (typeof SETUPS)[number]): Promise<Vitrine> {
  const { site, catalogUrl } = await publishSite('shipped');
  const w = await openShopPage(setup.page, { site, catalog: catalogUrl, ...(setup.workerUrl ? { workerUrl: setup.workerUrl() } : {}) });
  windows.set(w.shopReady!, w);
  return w.shopReady!;
}

/**
 * What a call on the script tag's instance failed with. That instance lets nothing reach the
 * page: the call resolves to undefined, and the console says `[vitrine] code: message`.
 */
async function failure(v: Vitrine, call: () => unknown): Promise<{ code: string; message: string }> {
  const w = windowOf(v);
  const before = w.logged!.length;
  expect(await call()).toBeUndefined();
  // An error's line carries its code (`invalid-payload: …`); a warning (`catalog: …`) does not.
  const error = w
    .logged!.slice(before)
    .map((l) => /^\[vitrine\] ([a-z]+-[a-z-]+): (.*)$/s.exec(l))
    .find(Boolean);
  if (!error) throw new Error('the call succeeded');
  const [, code = '', message = ''] = error;
  return { code, message };
}
const windows = new Map<Vitrine, ShopWindow>();
/** The shop page an instance lives in. */
const windowOf = (v: Vitrine): ShopWindow => windows.get(v)!;

/** A caller's mistakes, each with the stable code and the path its message must name. */
const MISTAKES: [what: string, call: (v: Vitrine, element: Element) => unknown, code: string, path: string][] = [
  ['track with an unknown type', (v) => v.track('page_scroll' as never, {} as never), 'invalid-payload', 'track'],
  ['track without a sku', (v) => v.track('product_view', { category: 'yoga' } as never), 'invalid-payload', 'product_view.sku'],
  ['decide with a number for the slot', (v) => v.decide(123 as never, {}), 'invalid-payload', 'decide.slot'],
  ['decide with a limit out of range', (v) => v.decide('home-hero', { limit: 99 }), 'invalid-payload', 'limit'],
  ['render into something that is not an element', (v) => v.render('home-hero', 'nope' as never), 'invalid-payload', 'render'],
  ['cart.add without a sku', (v) => v.cart.add({ qty: 1, price: 1 } as never), 'invalid-cart-item', 'sku'],
  ['cart.update with a negative quantity', (v) => v.cart.update('A', -1), 'invalid-cart-item', 'qty'],
  ['cart.revalidate without a function', (v) => v.cart.revalidate('nope' as never), 'invalid-cart-item', 'cart.revalidate'],
  ['consent.set with a word for a purpose', (v) => v.consent.set({ functional: 'yes' } as never), 'invalid-consent', 'consent.set.functional'],
  ['privacy.mute with a number', (v) => v.privacy.mute(42 as never), 'invalid-payload', 'mute'],
  ['privacy.prefer without personalization consent', (v) => v.privacy.prefer('yoga'), 'consent-required', 'personalization'],
];

describe.each(SETUPS)('the shipped files, engine $engine', (setup) => {
  it('runs the engine this page allows', async () => {
    const v = await openShop(setup);
    expect(v.state().engine).toBe(setup.engine);
  });

  it('checks a signed catalog with the signature chunk as shipped, and refuses a tampered one', async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const catalogKey = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey))));
    const sign = async (text: string) => btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, new TextEncoder().encode(text)))));
    const open = async (envelope: (site: string) => Promise<unknown>) => {
      const { site } = await publishSite('signed');
      const res = await fetch(catalogUrlOf(site), { method: 'PUT', body: JSON.stringify(await envelope(site)) });
      expect(res.status).toBe(204);
      const w = await openShopPage(setup.page, { site, catalog: catalogUrlOf(site), catalogKey, ...(setup.workerUrl ? { workerUrl: setup.workerUrl() } : {}) });
      expect(w.shopReady!.state().engine).toBe(setup.engine);
      windows.set(w.shopReady!, w);
      return w.shopReady!;
    };
    const signed = (site: string) => JSON.stringify(testCatalog({ siteId: site }));

    const good = await open(async (site) => ({ signed: signed(site), signature: await sign(signed(site)) }));
    expect((await good.decide('home-hero', { limit: 1 })).length).toBe(1);

    const tampered = await open(async (site) => ({ signed: signed(site).replace('"priority":20', '"priority":99'), signature: await sign(signed(site)) }));
    expect(await failure(tampered, () => tampered.decide('home-hero', { limit: 1 }))).toMatchObject({ code: 'catalog-unavailable', message: expect.stringContaining('signature') });
  });

  it.each(MISTAKES)('tells a caller’s mistake with its own code, and lets nothing reach the page: %s', async (_, call, code, path) => {
    const v = await openShop(setup);
    expect(v.state().engine).toBe(setup.engine);
    // Consent for the cart, so that what is checked is the argument, not the consent.
    await v.consent.set({ functional: true });
    const element = document.createElement('div');
    const got = await failure(v, () => call(v, element));
    expect(got).toMatchObject({ code });
    expect(got.message).toContain(path);
    expect(got.message).not.toMatch(/^VitrineError|engine-failed/);
    expect(windowOf(v).pageErrors).toEqual([]);
  });
});
