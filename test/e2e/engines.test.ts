import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server';
import { ENGINES, launchBrowser, type ShopBrowser, type Storage } from '../engines/browsers';
import { travelStoredTime } from '../fixtures/travel';
import { validateReport } from '../../src/protocol/report';

/*
 * The promises that matter most, in each engine a shop's visitors use, on the demo shop as
 * `npm start` serves it: the cart survives a browser restart, nothing is stored before the
 * shopper decides, storage erased between visits (Safari after seven days) starts clean,
 * private browsing works, and every request is for the shop's files or a valid aggregate report.
 */

let server: Awaited<ReturnType<typeof startServer>>;
const folders: string[] = [];
const open: ShopBrowser[] = [];

beforeAll(async () => {
  // The demo's catalog without its random parts (exploration, the 10% holdout).
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-engines-catalog-'));
  folders.push(dir);
  const catalog = JSON.parse(readFileSync(join(process.cwd(), 'demo/catalog.json'), 'utf8'));
  const file = join(dir, 'catalog.json');
  writeFileSync(file, JSON.stringify({ ...catalog, settings: { ...catalog.settings, exploration: 0 }, experiments: [] }));
  server = await startServer([], file);
});
afterAll(async () => {
  for (const browser of open.splice(0)) await browser.close().catch(() => undefined);
  await server.stop();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function newProfile(): { profile: string } {
  const profile = mkdtempSync(join(tmpdir(), 'vitrine-engines-profile-'));
  folders.push(profile);
  return { profile };
}

type DemoWindow = Window & {
  vitrine: {
    cart?: { get(): Promise<{ restored: boolean; items: { sku: string }[] }> };
    flush(): Promise<void>;
    state(): { storage: string; engine: string; consent: { decided: boolean } };
  };
};

async function launch(engine: (typeof ENGINES)[number], storage: Storage): Promise<ShopBrowser> {
  const browser = await launchBrowser(engine, storage);
  open.push(browser);
  return browser;
}

async function close(browser: ShopBrowser): Promise<void> {
  open.splice(open.indexOf(browser), 1);
  await browser.close();
}

/** Opens the demo shop and waits for the SDK to be ready. */
async function openShop(browser: ShopBrowser): Promise<void> {
  await browser.goto(server.base + '/');
  await browser.waitFor(() => typeof (window as unknown as DemoWindow).vitrine.cart === 'object');
}

const cartSkus = (browser: ShopBrowser) =>
  browser.evaluate(() => [...document.querySelectorAll('#cart-lines .line')].map((l) => l.getAttribute('data-sku')));
/** In the page: whether the cart shows `want` lines. */
const hasLines = (want: number) => document.querySelectorAll('#cart-lines .line').length === want;

/** Accepts all in the banner, and waits until the SDK holds the decision and the banner is gone. */
async function acceptAll(browser: ShopBrowser): Promise<void> {
  await browser.clickButton('Accept all');
  await browser.waitFor(() => {
    const banner = document.querySelector<HTMLElement>('#consent')!;
    return (window as unknown as DemoWindow).vitrine.state().consent.decided && (banner.hidden || getComputedStyle(banner).display === 'none');
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

describe.each(ENGINES)('the demo shop in %s', (engine) => {
  it('restores the cart after the browser is closed and started again with the same profile', async () => {
    const profile = newProfile();
    let browser = await launch(engine, profile);
    await openShop(browser);
    await acceptAll(browser);
    await browser.clickButton('Add Trail runner to cart');
    await browser.waitFor(hasLines, 1);
    await browser.clickButton('Add Yoga mat to cart');
    await browser.waitFor(hasLines, 2);
    await close(browser);

    browser = await launch(engine, profile);
    await openShop(browser);
    await browser.waitFor(hasLines, 2);
    expect(await cartSkus(browser)).toEqual(['TR-100', 'YG-100']);
    expect(await browser.evaluate(async () => (await (window as unknown as DemoWindow).vitrine.cart!.get()).restored)).toBe(true);
    await close(browser);
  });

  it('stores nothing and sends no report before the shopper decides', async () => {
    const before = server.received.length;
    const browser = await launch(engine, newProfile());
    await openShop(browser);
    await browser.clickButton('Look at Trail runner');
    await browser.clickButton('Add Trail runner to cart');
    await browser.waitFor(hasLines, 1);
    await browser.evaluate(() => (window as unknown as DemoWindow).vitrine.flush());
    expect(await browser.evaluate(() => (window as unknown as DemoWindow).vitrine.state().storage)).toBe('memory');
    expect(await stored(browser)).toEqual({ databases: [], localStorage: [], sessionStorage: [], cookies: '' });
    expect(server.received.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
    await close(browser);
  });

  it('starts clean when the browser erased the site’s storage between visits, as Safari does after seven days', async () => {
    const profile = newProfile();
    let browser = await launch(engine, profile);
    await openShop(browser);
    await acceptAll(browser);
    await browser.clickButton('Add Coffee beans to cart');
    await browser.waitFor(hasLines, 1);
    await close(browser);
    // What the browser keeps of the site, gone: the profile folder emptied between two launches.
    rmSync(profile.profile, { recursive: true, force: true });

    browser = await launch(engine, profile);
    await openShop(browser);
    const state = await browser.evaluate(() => (window as unknown as DemoWindow).vitrine.state());
    expect(state.consent.decided).toBe(false);
    expect(state.storage).toBe('memory');
    expect(await browser.evaluate(async () => (await (window as unknown as DemoWindow).vitrine.cart!.get()).items)).toEqual([]);
    expect(await browser.evaluate(() => getComputedStyle(document.querySelector('#consent')!).display)).not.toBe('none');
    await close(browser);
  });

  it('works in private browsing, which keeps data for the session only', async () => {
    const browser = await launch(engine, 'private');
    await openShop(browser);
    await acceptAll(browser);
    await browser.clickButton('Add Road racer to cart');
    await browser.waitFor(hasLines, 1);
    expect(await cartSkus(browser)).toEqual(['RD-100']);
    const state = await browser.evaluate(() => (window as unknown as DemoWindow).vitrine.state());
    expect(state).toMatchObject({ engine: 'worker', consent: { decided: true } });
    expect(['indexeddb', 'memory']).toContain(state.storage);
    await close(browser);
  });

  it('makes no request but for the shop’s files, its catalog and valid aggregate reports (the server’s view)', async () => {
    const before = server.received.length;
    const browser = await launch(engine, newProfile());
    await openShop(browser);
    await acceptAll(browser);
    for (let i = 0; i < 2; i++) await browser.clickButton('Look at Trail runner');
    await browser.clickButton('Add Trail runner to cart');
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
    for (const r of requests) {
      if (r.method === 'POST') {
        expect(r.path).toBe('/v1/reports');
        expect(() => validateReport(JSON.parse(r.body ?? ''))).not.toThrow();
        expect(r.status).toBe(202);
      } else {
        expect(r.method).toBe('GET');
        expect(r.path).toMatch(/^(\/|\/demo\/[\w./-]+|\/vitrine\/vitrine(-[\w-]+)?\.js|\/v1\/catalog)$/);
        expect(r.search).toBe('');
      }
    }
  });
});
