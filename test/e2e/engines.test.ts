import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import type { Vitrine } from '../../src/api';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './server';
import { ENGINES, type ShopBrowser } from '../../tools/engines/browsers';
import { browserPool } from '../../tools/engines/pool';
import { travelStoredTime } from '../fixtures/travel';
import { validateReport } from '../../src/protocol/report';

/*
 * The promises that matter most, in each engine a shop's visitors use, on the demo shop as
 * `npm start` serves it: the cart survives a browser restart, nothing is stored before the
 * shopper decides, storage erased between visits (Safari after seven days) starts clean,
 * private browsing works, and every request is for the shop's files or a valid aggregate report.
 */

let server: Awaited<ReturnType<typeof startServer>>;
const { newProfile, newFolder, launch, close, closeAll } = browserPool('engines');

beforeAll(async () => {
  // The demo's catalog without its random parts (exploration, the 10% holdout).
  const dir = newFolder('catalog');
  const catalog = JSON.parse(readFileSync(join(process.cwd(), 'demo/catalog.json'), 'utf8'));
  const file = join(dir, 'catalog.json');
  writeFileSync(file, JSON.stringify({ ...catalog, settings: { ...catalog.settings, exploration: 0 }, experiments: [] }));
  server = await startServer([], file, true, inlinePages);
});
afterAll(async () => {
  await server.stop();
  await closeAll();
});

/** What an `/inline/` page leaves on its window. */
type InlinePage = Window & { v: Vitrine; rendered?: boolean; cameBack?: boolean };

/**
 * `/inline/<page>`: a shop page whose engine runs in the page. `?leave=<page>` leaves for that
 * page in the same task as the slot's decision, so the decision's write is still waiting when
 * the page goes into the back-forward cache.
 */
function inlinePages(app: Hono): void {
  const snippet = readFileSync(join(process.cwd(), 'dist', 'snippet.min.js'), 'utf8');
  app.get('/inline/:page', (c) => {
    const leave = c.req.query('leave');
    return c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Inline engine: ${c.req.param('page').replace(/\W/g, '')}</title>
<script>${snippet}</script>
<script>
  addEventListener('pageshow', function (e) { window.cameBack = e.persisted; });
  vitrine('init', { siteId: 'demo-shop', catalogUrl: '/v1/catalog', engine: 'inline' });
  vitrine('consent.set', { functional: true, personalization: true });
  vitrine('ready', function (v) {
    window.v = v;
    v.render('home-hero', document.getElementById('offers'), { limit: 1 }).then(function () {
      window.rendered = true;
      // Left once: the page the browser comes back to (reloaded where there is no cache) stays.
      ${leave ? `history.replaceState(null, '', location.pathname); location.href = ${JSON.stringify(`/inline/${leave.replace(/\W/g, '')}`)};` : ''}
    });
  });
</script>
</head><body><main><h1>Offers</h1><div id="offers"></div></main></body></html>`);
  });
}

type DemoWindow = Window & {
  vitrine: {
    cart?: { get(): Promise<{ restored: boolean; items: { sku: string }[] }> };
    flush(): Promise<void>;
    state(): { storage: string; engine: string; consent: { decided: boolean } };
  };
};

/** Opens a page of the demo shop and waits for the SDK to be ready there. */
async function openShop(browser: ShopBrowser, path = '/'): Promise<void> {
  // WebKit: a page left with a storage write in flight can hold the next page's storage past
  // the SDK's timeout (README, "Browsers"), so the page the test leaves has its writes done, as
  // a shopper's has after the seconds they spend on it.
  if (browser.engine === 'webkit') await browser.evaluate(() => (window as unknown as { vitrine?: { flush?(): Promise<void> } }).vitrine?.flush?.()).catch(() => undefined);
  await browser.goto(server.base + path);
  // The whole suite runs the three engines at once on two cores: a start may take a while.
  await browser
    .waitFor(() => typeof (window as unknown as DemoWindow).vitrine.cart === 'object', undefined, 30_000)
    .catch(async (error: Error) => {
      throw new Error(`${path}: ${error.message}; ${await describePage(browser)}`);
    });
}

/** What a page shows of itself, for a failure's message: where it is, the SDK's state, and whether the engine answers. */
async function describePage(browser: ShopBrowser): Promise<string> {
  const seen = await browser.evaluate(async () => {
    const v = (window as unknown as { vitrine?: { state?: () => unknown; cart?: { get(): Promise<unknown> } } }).vitrine;
    const answer = v?.cart
      ? await Promise.race([
          v.cart.get().then(
            (c) => c,
            (e: Error) => `failed: ${e.message}`,
          ),
          new Promise((r) => setTimeout(() => r('no answer in 3 s'), 3000)),
        ])
      : 'no SDK';
    return {
      url: location.href,
      state: v?.state?.(),
      cart: answer,
      loaded: performance.getEntriesByType('resource').map((r) => `${new URL(r.name).pathname} ${Math.round(r.duration)} ms`),
    };
  });
  return JSON.stringify(seen);
}

/** In the page: whether the header counts `want` items in the cart (it follows the SDK's cart). */
const counts = (want: number) => document.querySelector('#cart-count')!.textContent === String(want);

/** In the page: whether the consent banner (vanilla-cookieconsent's box) is on screen. */
const bannerShown = () => {
  const box = document.querySelector<HTMLElement>('#cc-main .cm');
  return !!box && getComputedStyle(box).visibility !== 'hidden' && document.documentElement.classList.contains('show--consent');
};

/** Accepts all in the banner, and waits until the SDK holds the decision and the banner is gone. */
async function acceptAll(browser: ShopBrowser, button: 'Accept all' | 'Reject all' = 'Accept all'): Promise<void> {
  await browser.waitFor(bannerShown);
  await browser.clickButton(button);
  await browser
    .waitFor(() => (window as unknown as DemoWindow).vitrine.state().consent.decided && !document.documentElement.classList.contains('show--consent'), undefined, 30_000)
    .catch(async (error: Error) => {
      const banner = await browser.evaluate(() => ({ classes: document.documentElement.className, cookie: document.cookie }));
      throw new Error(`${error.message}; the banner: ${JSON.stringify(banner)}; ${await describePage(browser)}`);
    });
}

/** What this origin holds in the browser: IndexedDB databases, Web Storage keys, cookies. */
const stored = (browser: ShopBrowser) =>
  browser.evaluate(async () => ({
    databases: (await indexedDB.databases()).map((d) => d.name),
    localStorage: Object.keys(localStorage),
    sessionStorage: Object.keys(sessionStorage),
    cookies: document.cookie,
  }));

/** Every page of the shop a shopper may land on; each shows the cart count in its header. */
const PAGES = ['/', '/c/trail-running', '/p/YG-100', '/search?q=mat', '/cart', '/checkout', '/privacy'];

// WebKit, two retries: a page it starts just after leaving one whose storage write was still in
// flight may run in memory (README, "Browsers"); the tests let each page finish its writes
// (openShop), which made 20 runs of 20 pass alone, yet about one CI run in three still needs a
// second attempt of the audit. A failure prints the page's own account (describePage); a test
// that fails three times in a row still fails.
describe.each(ENGINES)('the demo shop in %s', (engine) => {
  const retry = engine === 'webkit' ? 2 : 0;
  it('restores the cart after the browser is closed and started again with the same profile, and has it on every page of the visit', { retry }, async () => {
    const profile = newProfile();
    let browser = await launch(engine, profile);
    await openShop(browser);
    await acceptAll(browser);
    await browser.clickButton('Add to cart: Trail runner');
    await browser.waitFor(counts, 1);
    await browser.clickButton('Add to cart: Yoga mat');
    await browser.waitFor(counts, 2);
    await close(browser);

    browser = await launch(engine, profile);
    for (const [i, path] of PAGES.entries()) {
      await openShop(browser, path);
      await browser.waitFor(counts, 2).catch(async (error: Error) => {
        throw new Error(`${path}: ${error.message}; ${await describePage(browser)}`);
      });
      expect(await browser.evaluate(bannerShown), path).toBe(false);
      // Restored from an earlier visit on the first page after the restart; the visit's next pages have it, not restored again.
      expect(await browser.evaluate(async () => (await (window as unknown as DemoWindow).vitrine.cart!.get()).restored), path).toBe(i === 0);
    }
    await openShop(browser, '/cart');
    await browser
      .waitFor(() => document.querySelectorAll('#cart-lines .line').length === 2)
      .catch(async (error: Error) => {
        throw new Error(`${error.message}; ${await describePage(browser)}`);
      });
    expect(await browser.evaluate(() => [...document.querySelectorAll('#cart-lines .line')].map((l) => l.getAttribute('data-sku')))).toEqual(['TR-100', 'YG-100']);
    await close(browser);
  });

  // Skipped in Firefox: playwright over WebDriver BiDi never sees a back navigation finish
  // (goBack times out, and every later action waits for it), so the page cannot be driven
  // after it. What the SDK does there is covered by test/unit/resumable.test.ts and by the
  // engines that run this test, WebKit among them, the one that suspends a cached page's worker.
  it.skipIf(engine === 'firefox')('comes back from the back-forward cache with a working engine, and leaves no other page without storage', { retry }, async () => {
    const browser = await launch(engine, newProfile());
    await openShop(browser);
    await acceptAll(browser);
    await browser.evaluate(() => {
      addEventListener('pageshow', (e) => ((window as unknown as { cameBack?: boolean }).cameBack = e.persisted));
    });
    await browser.clickButton('Add to cart: Trail runner');
    await browser.waitFor(counts, 1);
    await openShop(browser, '/c/yoga');
    await browser.clickButton('Add to cart: Yoga mat');
    await browser.waitFor(counts, 2);
    await browser.back();
    await browser.waitFor(() => location.pathname === '/' && typeof (window as unknown as DemoWindow).vitrine.cart === 'object');
    // The cart changed while the page was away: the page hears it from the new engine.
    await browser.waitFor(counts, 2);
    await browser.clickButton('Add to cart: Coffee beans');
    await browser.waitFor(counts, 3);
    const back = await browser.evaluate(() => ({ cameBack: (window as unknown as { cameBack?: boolean }).cameBack ?? false, storage: (window as unknown as DemoWindow).vitrine.state().storage }));
    expect(back.storage).toBe('indexeddb');
    await openShop(browser, '/cart');
    await browser.waitFor(() => document.querySelectorAll('#cart-lines .line').length === 3);
    expect(await browser.evaluate(() => (window as unknown as DemoWindow).vitrine.state().storage)).toBe('indexeddb');
    // Which engines cached the page, for the record (WebKit does, with its worker suspended).
    console.log(`${engine}: the page came back from the back-forward cache: ${back.cameBack}`);
    await close(browser);
  });

  // The regression of bench area 3 in WebKit: a page with the in-thread engine went into the
  // back-forward cache with its decision's write started, and the next page's storage waited for
  // it past the SDK's timeout (storage in memory, the first offer 3 s late).
  it.skipIf(engine === 'firefox')('leaves the next page its storage when a page with the in-thread engine goes into the back-forward cache with a write waiting', { retry }, async () => {
    const browser = await launch(engine, newProfile());
    await browser.goto(`${server.base}/inline/first?leave=next`);
    await browser.waitFor(() => location.pathname === '/inline/next' && (window as unknown as InlinePage).rendered === true, undefined, 20_000);
    const next = await browser.evaluate(() => ({ engine: (window as unknown as InlinePage).v.state().engine, storage: (window as unknown as InlinePage).v.state().storage }));
    expect(next).toEqual({ engine: 'inline', storage: 'indexeddb' });
    await browser.back();
    await browser.waitFor(() => location.pathname === '/inline/first' && (window as unknown as InlinePage).rendered === true);
    const first = await browser.evaluate(async () => {
      const { v, cameBack } = window as unknown as InlinePage;
      return { cameBack: cameBack ?? false, offers: (await v.decide('home-hero')).length, storage: v.state().storage };
    });
    expect(first).toMatchObject({ offers: expect.any(Number), storage: 'indexeddb' });
    expect(first.offers).toBeGreaterThan(0);
    console.log(`${engine}: the inline page came back from the back-forward cache: ${first.cameBack}`);
    await close(browser);
  });

  it('after “Reject all”, keeps the cart for the visit on every page of the tab, in the tab’s session storage only, and not after it', { retry }, async () => {
    const storage = newProfile();
    const browser = await launch(engine, storage);
    await openShop(browser);
    await acceptAll(browser, 'Reject all');
    await browser.clickButton('Add to cart: Trail runner');
    await browser.waitFor(counts, 1);
    await openShop(browser, '/c/yoga');
    // The visit's next page starts with it.
    await browser.waitFor(counts, 1);
    await browser.clickButton('Add to cart: Yoga mat');
    await browser.waitFor(counts, 2);
    await openShop(browser, '/cart');
    await browser.waitFor(() => document.querySelectorAll('#cart-lines .line').length === 2);
    const kept = await browser.evaluate(async () => {
      const v = (window as unknown as DemoWindow).vitrine as unknown as Vitrine;
      const data = await v.privacy.export();
      return {
        session: Object.keys(sessionStorage).filter((k) => k.startsWith('vitrine')),
        local: Object.keys(localStorage).filter((k) => k.startsWith('vitrine')),
        device: data.stores.cart,
        visit: data.page?.visitCart?.items.map((i) => i.sku),
        functional: v.state().consent.purposes.functional,
      };
    });
    expect(kept).toEqual({ session: ['vitrine:demo-shop:cart'], local: [], device: [], visit: ['TR-100', 'YG-100'], functional: false });
    await close(browser);
    // The browser closed, the visit is over: the next one starts with an empty cart.
    const later = await launch(engine, storage);
    await openShop(later, '/cart');
    await later.waitFor(counts, 0);
    expect(await later.evaluate(async () => (await (window as unknown as DemoWindow).vitrine.cart!.get()).items.length)).toBe(0);
    await close(later);
  });

  it('on a first visit, shows the banner, stores nothing and sends no report until the shopper decides', { retry }, async () => {
    const before = server.received.length;
    const browser = await launch(engine, newProfile());
    await openShop(browser, '/p/TR-100');
    await browser.waitFor(bannerShown);
    await browser.clickButton('Add to cart: Trail runner');
    await browser.waitFor(counts, 1);
    await openShop(browser, '/c/coffee');
    await browser.evaluate(() => (window as unknown as DemoWindow).vitrine.flush());
    expect(await browser.evaluate(() => (window as unknown as DemoWindow).vitrine.state().storage)).toBe('memory');
    expect(await stored(browser)).toEqual({ databases: [], localStorage: [], sessionStorage: [], cookies: '' });
    expect(server.received.slice(before).filter((r) => r.method !== 'GET' || r.path.startsWith('/v1/reports'))).toEqual([]);
    await close(browser);
  });

  it('starts clean when the browser erased the site’s storage between visits, as Safari does after seven days', { retry }, async () => {
    const profile = newProfile();
    let browser = await launch(engine, profile);
    await openShop(browser);
    await acceptAll(browser);
    await browser.clickButton('Add to cart: Coffee beans');
    await browser.waitFor(counts, 1);
    await close(browser);
    // What the browser keeps of the site, gone: the profile folder emptied between two launches.
    rmSync(profile.profile, { recursive: true, force: true });

    browser = await launch(engine, profile);
    await openShop(browser);
    const state = await browser.evaluate(() => (window as unknown as DemoWindow).vitrine.state());
    expect(state.consent.decided).toBe(false);
    expect(state.storage).toBe('memory');
    expect(await browser.evaluate(async () => (await (window as unknown as DemoWindow).vitrine.cart!.get()).items)).toEqual([]);
    await browser.waitFor(bannerShown);
    await close(browser);
  });

  it('works in private browsing, which keeps data for the session only', { retry }, async () => {
    const browser = await launch(engine, 'private');
    await openShop(browser);
    await acceptAll(browser);
    await browser.clickButton('Add to cart: Road racer');
    await browser.waitFor(counts, 1);
    await openShop(browser, '/cart');
    await browser.waitFor(() => document.querySelectorAll('#cart-lines .line').length === 1);
    const state = await browser.evaluate(() => (window as unknown as DemoWindow).vitrine.state());
    expect(state).toMatchObject({ engine: 'worker', consent: { decided: true } });
    expect(['indexeddb', 'memory']).toContain(state.storage);
    await close(browser);
  });

  it('audits a whole shopping session: only the shop’s files, its catalog and valid aggregate reports that carry nothing the shopper did', { retry }, async () => {
    const before = server.received.length;
    const browser = await launch(engine, newProfile());
    // What the shopper does, every word of which must stay on the device.
    const session = { categories: ['trail-running', 'coffee'], products: ['TR-200', 'CF-100'], query: 'merino socks' };
    await openShop(browser);
    await acceptAll(browser);
    for (const c of session.categories) await openShop(browser, `/c/${c}`);
    for (const sku of session.products) await openShop(browser, `/p/${sku}`);
    await openShop(browser, `/search?q=${encodeURIComponent(session.query)}`);
    await openShop(browser, '/p/CF-100');
    await browser.clickButton('Add to cart: Coffee beans');
    await browser.waitFor(counts, 1);
    await openShop(browser, '/checkout');
    await browser
      .waitFor(() => document.querySelectorAll('#cart-lines .line').length === 1)
      .catch(async (error: Error) => {
        throw new Error(`${error.message}; ${await describePage(browser)}`);
      });
    await browser.evaluate(() => {
      (document.querySelector('#checkout-name') as HTMLInputElement).value = 'Ada Lovelace';
      (document.querySelector('#checkout-address') as HTMLInputElement).value = '12 Analytical Row';
    });
    await browser.clickButton('Place order');
    await browser.waitFor(() => location.pathname === '/order' && typeof (window as unknown as DemoWindow).vitrine.cart === 'object');
    await browser.evaluate(() => (window as unknown as DemoWindow).vitrine.flush());
    // Offers on screen for a second count as impressions, and the reporter has started (its
    // outbox marks where measurement began); then the shopper comes back after the window closed.
    await browser.waitFor(async () => {
      const v = (window as unknown as { vitrine: { privacy: { export(): Promise<{ stores: { exposures?: unknown[]; outbox?: unknown[] } }> } } }).vitrine;
      const { stores } = await v.privacy.export();
      return (stores.exposures?.length ?? 0) > 0 && (stores.outbox?.length ?? 0) > 0;
    });
    await browser.evaluate(travelStoredTime, { db: 'vitrine:demo-shop', ms: 5 * 60_000 });
    await openShop(browser);
    await expect
      .poll(() => server.received.slice(before).filter((r) => r.method === 'POST' && r.status === 202).length, { timeout: 20_000 })
      .toBeGreaterThan(0)
      .catch((error: Error) => {
        throw new Error(`${error.message}: no report was accepted; the server received ${JSON.stringify(server.received.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`))}`);
      });
    await close(browser);

    const requests = server.received.slice(before);
    expect(requests.some((r) => r.path === '/v1/catalog')).toBe(true);
    // The strings a report may carry beyond its fixed keys: the catalog's offer and variant ids
    // (its published domain, which the collector enforces), the site, versions and ids. None of
    // the others may hold anything the shopper did.
    const catalog = JSON.parse(readFileSync(join(process.cwd(), 'demo/catalog.json'), 'utf8')) as { offers: { id: string; variants?: { id: string }[] }[] };
    const published = new Set(catalog.offers.flatMap((o) => [o.id, ...(o.variants ?? []).map((v) => v.id)]));
    const secrets = [...session.products, ...session.categories, 'Trail vest', 'Coffee beans', session.query, 'merino', '/p/', '/c/', '/search', 'Ada Lovelace', 'Analytical'];
    const strings = (value: unknown): string[] => (typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(strings) : []);
    for (const r of requests) {
      if (r.method === 'POST') {
        expect(r.path).toBe('/v1/reports');
        expect(() => validateReport(JSON.parse(r.body ?? ''))).not.toThrow();
        expect(r.status).toBe(202);
        const carried = strings(JSON.parse(r.body!)).filter((text) => !published.has(text));
        for (const word of secrets)
          expect(
            carried.filter((text) => text.toLowerCase().includes(word.toLowerCase())),
            word,
          ).toEqual([]);
      } else {
        expect(r.method).toBe('GET');
        expect(r.path).toMatch(/^(\/|\/(c|p)\/[\w-]+|\/search|\/checkout|\/order|\/demo\/[\w./-]+|\/vitrine\/vitrine(-[\w-]+)?\.js|\/v1\/catalog|\/v1\/priors)$/);
        // Only the search form's own query goes in a URL: nothing of the SDK's but the site of the priors.
        if (r.path === '/v1/priors') expect(r.search).toBe('?site=demo-shop');
        else if (r.path !== '/search') expect(r.search).toBe('');
      }
    }
  });
});
