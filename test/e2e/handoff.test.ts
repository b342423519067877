import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './server';
import { ENGINES, type ShopBrowser } from '../../tools/engines/browsers';
import { browserPool } from '../../tools/engines/pool';
import type { Vitrine } from '../../src/api';
import type * as HandoffPackage from '../../src/handoff/index';

/*
 * The cart across devices, on the demo shop as `npm start` serves it, in each engine: two
 * browser profiles are two devices. The first makes a handoff link (`v.cart.handoff()`), the
 * second opens it, the shopper says yes, and the cart is there. The shop's server (the collector
 * included) sees every request: none carries the link's fragment or a line of the cart, in its
 * URL, body or Referer. The link also opens in Node, as the shop's app would read it.
 */

let server: Awaited<ReturnType<typeof startServer>>;
const { newProfile, launch, close, closeAll } = browserPool('handoff');

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  await closeAll();
});

type DemoWindow = Window & { vitrine: Vitrine };

/** Opens a page of the demo and waits for the SDK's cart. */
async function openShop(browser: ShopBrowser, url: string): Promise<void> {
  await browser.goto(url);
  await browser.waitFor(() => typeof (window as unknown as DemoWindow).vitrine.cart === 'object', undefined, 30_000);
}

const cartSkus = () => (window as unknown as DemoWindow).vitrine.cart.get().then((c) => c.items.map((i) => i.sku));

/** The first device: the shopper accepts, fills a cart, and makes its link. */
async function cartOnFirstDevice(engine: (typeof ENGINES)[number], storage: { profile: string }): Promise<{ browser: ShopBrowser; link: string }> {
  const browser = await launch(engine, storage);
  await openShop(browser, `${server.base}/`);
  await browser.waitFor(() => document.documentElement.classList.contains('show--consent'));
  await browser.clickButton('Accept all');
  await browser.waitFor(() => (window as unknown as DemoWindow).vitrine.state().consent.decided);
  await browser.clickButton('Add to cart: Trail runner');
  await browser.clickButton('Add to cart: Yoga mat');
  await browser.waitFor(() => (window as unknown as DemoWindow).vitrine.cart.get().then((c) => c.items.length === 2));
  const link = await browser.evaluate(async () => (await (window as unknown as DemoWindow).vitrine.cart.handoff({ url: `${location.origin}/cart` })).link);
  return { browser, link };
}

/** Opens the link, waits for the SDK's question, and answers yes. */
async function openLinkAndSayYes(browser: ShopBrowser, link: string): Promise<void> {
  await browser.goto(link);
  await browser.waitFor(() => document.querySelector<HTMLDialogElement>('dialog.vitrine-handoff')?.open === true, undefined, 30_000);
  expect(await browser.evaluate(() => location.hash)).toBe('');
  expect(await browser.evaluate(() => document.querySelector('dialog.vitrine-handoff h2')!.textContent)).toBe('Add 2 items from your other device?');
  await browser.clickButton('Add to my cart');
  await browser.waitFor(() => (window as unknown as DemoWindow).vitrine.cart.get().then((c) => c.items.length === 2));
}

describe.each(ENGINES)('a cart handed off by link in %s', (engine) => {
  const retry = engine === 'webkit' ? 2 : 0;

  it('goes to another device on the shopper’s yes, and no request carries the link or a line', { retry }, async () => {
    const first = await cartOnFirstDevice(engine, newProfile());
    expect(first.link.startsWith(`${server.base}/cart#vitrine-cart=`)).toBe(true);
    await close(first.browser);
    // The shop's app reads the same link: vitrine/handoff as built (dist/handoff.mjs), here in Node.
    const { openHandoff } = (await import(join(process.cwd(), 'dist', 'handoff.mjs'))) as typeof HandoffPackage;
    expect((await openHandoff(first.link)).items.map((i) => i.sku)).toEqual(['TR-100', 'YG-100']);

    const before = server.received.length;
    const second = await launch(engine, newProfile());
    await openLinkAndSayYes(second, first.link);
    expect(await second.evaluate(cartSkus)).toEqual(['TR-100', 'YG-100']);
    await openShop(second, `${server.base}/c/yoga`);
    await close(second);

    const seen = server.received.slice(before);
    expect(seen.length).toBeGreaterThan(0);
    const payload = first.link.split('#vitrine-cart=')[1]!;
    for (const request of seen) {
      const wire = JSON.stringify(request);
      expect(wire).not.toContain(payload.slice(0, 24));
      expect(wire).not.toContain('vitrine-cart');
      for (const sku of ['TR-100', 'YG-100']) expect(`${request.search} ${request.body ?? ''} ${request.referer ?? ''}`).not.toContain(sku);
    }
  });

  it('brings the cart back from a kept link after the browser erased the site’s storage, as Safari does after seven days', { retry }, async () => {
    const storage = newProfile();
    const first = await cartOnFirstDevice(engine, storage);
    await close(first.browser);
    // What the browser keeps of the site, gone: the profile folder emptied between two launches.
    rmSync(storage.profile, { recursive: true, force: true });
    const later = await launch(engine, storage);
    await openShop(later, `${server.base}/c/yoga`);
    expect(await later.evaluate(cartSkus)).toEqual([]);
    await openLinkAndSayYes(later, first.link);
    expect(await later.evaluate(cartSkus)).toEqual(['TR-100', 'YG-100']);
    await close(later);
  });
});
