import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../tools/chromium';
import { startServer } from './server';
import { SDK_FILE } from '../../server/static';

/*
 * A merchant's developer's first hour, with the README only: a static shop of three pages on
 * one origin, the collector on another, a banner of the shop's own, and a catalog written for
 * this shop. The happy path (nothing before consent, offers with reasons, the cart greeted back
 * once after a restart, a report on the collector), then the three mistakes of a first hour: a
 * wrong worker path, a typo in the catalog, a typo in an option. In Chromium.
 */

const SITE = 'tea-house';
const dist = join(process.cwd(), 'dist');
const folders: string[] = [];
let collector: Awaited<ReturnType<typeof startServer>>;
let shop: { origin: string; stop: () => Promise<void> };
let catalogFile: string;

/** The shop's catalog, as its developer wrote it from the README: four offers on the product pages. */
const CATALOG = {
  version: '2026-12-07.1',
  siteId: SITE,
  settings: { exploration: 0, diversity: 0, attributionWindowHours: 24 },
  categoryLabels: { 'green-tea': 'green tea', 'black-tea': 'black tea' },
  offers: [
    {
      id: 'sencha-kit',
      slot: 'product',
      categories: ['green-tea'],
      content: { title: 'A sencha tasting kit', cta: { label: 'See the kit', href: '/tea/green' } },
      weights: { affinity: 2, pageMatch: 2 },
      priority: 10,
    },
    { id: 'assam-tin', slot: 'product', categories: ['black-tea'], content: { title: 'Assam in a tin' }, weights: { affinity: 2, pageMatch: 2 }, priority: 10 },
    { id: 'kettle', slot: 'product', categories: [], content: { title: 'A kettle that keeps 80 °C' }, priority: 5 },
    { id: 'gift-card', slot: 'product', categories: [], content: { title: 'Tea gift cards' }, priority: 1 },
  ],
};

/** One page of the shop: the README's minimal page, with its `init` options. */
function shopPage(title: string, category: string, init: Record<string, unknown>): string {
  const snippet = readFileSync(join(dist, 'snippet.min.js'), 'utf8').replace('/vitrine/vitrine.js', '/js/vitrine.js');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<script>
  window.logged = [];
  ['error', 'warn'].forEach(function (level) {
    var log = console[level].bind(console);
    console[level] = function () { window.logged.push([].map.call(arguments, String).join(' ')); log.apply(null, arguments); };
  });
</script>
<script>${snippet}
  vitrine('init', ${JSON.stringify(init)});
</script></head>
<body>
<main><h1>${title}</h1>
  <p id="welcome" hidden></p>
  <button type="button" id="add">Add to cart</button>
  <section id="offers" aria-label="Offers for you"></section>
</main>
<div role="dialog" aria-labelledby="banner-title" id="banner" hidden>
  <h2 id="banner-title">Your choice</h2>
  <button type="button" id="accept">Accept all</button> <button type="button" id="reject">Reject all</button>
</div>
<script>
  var banner = document.getElementById('banner');
  var choose = function (yes) {
    vitrine('consent.set', { functional: yes, personalization: yes, measurement: yes });
    banner.hidden = true;
  };
  document.getElementById('accept').onclick = function () { choose(true); };
  document.getElementById('reject').onclick = function () { choose(false); };
  vitrine('track', 'category_view', { category: ${JSON.stringify(category)} });
  vitrine('ready', function (v) {
    window.shopReady = v;
    if (!v.consent.get().decided) banner.hidden = false;
    v.cart.on('restore', function (cart) {
      var welcome = document.getElementById('welcome');
      welcome.textContent = 'Welcome back: your cart has ' + cart.items.length + ' item(s)';
      welcome.hidden = false;
    });
    v.render('product', document.getElementById('offers'), { limit: 2, impressionDelayMs: 0, context: { category: ${JSON.stringify(category)} } });
  });
  document.getElementById('add').onclick = function () {
    vitrine('cart.add', { sku: 'GT-100', qty: 1, price: 9, name: 'Green tea', category: ${JSON.stringify(category)} });
  };
</script>
</body></html>`;
}

/** Starts the shop: static pages and the SDK's files, on an origin of its own; `?init=` adds init options. */
async function startShop(collectorBase: () => string): Promise<typeof shop> {
  const app = new Hono();
  const pages: Record<string, [title: string, category: string]> = { '/': ['Tea House', 'green-tea'], '/tea/green': ['Green teas', 'green-tea'], '/tea/black': ['Black teas', 'black-tea'] };
  for (const [path, [title, category]] of Object.entries(pages)) {
    app.get(path, (c) => {
      const extra = JSON.parse(c.req.query('init') ?? '{}') as Record<string, unknown>;
      return c.html(shopPage(title, category, { siteId: SITE, catalogUrl: `${collectorBase()}/v1/catalog`, collectorUrl: collectorBase(), reportWindow: 60_000, ...extra }));
    });
  }
  app.get('/js/:file', (c) => {
    const file = c.req.param('file');
    if (!SDK_FILE.test(file)) return c.notFound();
    return c.body(readFileSync(join(dist, file)), 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-e2e-first-hour-'));
  folders.push(dir);
  catalogFile = join(dir, 'catalog.json');
  writeFileSync(catalogFile, JSON.stringify(CATALOG));
  // The shop's origin must be known to the collector (VITRINE_ORIGINS), and the collector's to the shop's pages.
  let collectorBase = '';
  shop = await startShop(() => collectorBase);
  collector = await startServer([], catalogFile, false, undefined, { sites: [SITE], origins: [shop.origin] });
  collectorBase = collector.base;
});
afterAll(async () => {
  await shop.stop();
  await collector.stop();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

type ShopWindow = Window & {
  logged: string[];
  shopReady?: {
    state(): { engine: string; storage: string; notes: string[]; consent: { decided: boolean } };
    cart: { get(): Promise<{ items: unknown[] }> };
  };
};

/** A browser with a profile of its own (kept across restarts), its page errors collected. */
async function browserWith(profile: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

const newProfile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-e2e-shopper-'));
  folders.push(dir);
  return dir;
};

/** Opens a page of the shop and waits for `ready`. */
async function open(page: Page, path: string, init: Record<string, unknown> = {}): Promise<void> {
  await page.goto(`${shop.origin}${path}?init=${encodeURIComponent(JSON.stringify(init))}`);
  await page.waitForFunction(() => !!(window as unknown as ShopWindow).shopReady);
}

const notes = (page: Page) => page.evaluate(() => (window as unknown as ShopWindow).shopReady!.state().notes);
const logged = (page: Page) => page.evaluate(() => (window as unknown as ShopWindow).logged);

describe('a merchant’s first hour, in Chromium', () => {
  it('works from the README: nothing before consent, offers with reasons, the cart greeted back once, a report on the collector', async () => {
    const profile = newProfile();
    let { context, page, errors } = await browserWith(profile);
    await open(page, '/');
    await page.getByRole('dialog', { name: 'Your choice' }).waitFor();
    expect(await page.evaluate(() => indexedDB.databases())).toEqual([]);
    await page.getByRole('button', { name: 'Accept all' }).click();
    await page.waitForFunction(() => (window as unknown as ShopWindow).shopReady!.state().consent.decided);

    await open(page, '/tea/green');
    const offers = page.locator('#offers article');
    await offers.first().waitFor();
    expect(await offers.first().textContent()).toContain('A sencha tasting kit');
    await offers.first().locator('summary', { hasText: 'Why this offer?' }).click();
    expect(await offers.first().locator('li').allTextContents()).toContain('Because you are looking at green tea');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.waitForFunction(async () => (await (window as unknown as ShopWindow).shopReady!.cart.get()).items.length === 1);
    await open(page, '/tea/black');
    expect(await page.locator('#welcome').isHidden()).toBe(true);

    // A browser restart: the cart is back, and the shopper is greeted once.
    await context.close();
    ({ context, page, errors } = await browserWith(profile));
    await open(page, '/');
    await page.locator('#welcome', { hasText: 'Welcome back: your cart has 1 item(s)' }).waitFor();
    await open(page, '/tea/green');
    await page.waitForTimeout(300);
    expect(await page.locator('#welcome').isHidden()).toBe(true);

    // The report: the impressions' window is moved back past its close, as time would.
    await page.evaluate(async () => {
      const request = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
      const db = await request(indexedDB.open('vitrine:tea-house'));
      const tx = db.transaction(['exposures', 'outbox'], 'readwrite');
      const back = 5 * 60_000;
      for (const e of await request(tx.objectStore('exposures').getAll())) tx.objectStore('exposures').put({ ...e, at: e.at - back });
      const outbox = await request(tx.objectStore('outbox').get('current'));
      tx.objectStore('outbox').put({ ...outbox, reportedUntil: outbox.reportedUntil - back });
      await new Promise((resolve) => (tx.oncomplete = resolve));
      db.close();
    });
    await open(page, '/tea/black');
    await expect.poll(async () => (await collector.stats(SITE)).reduce((sum, row) => sum + row.impressions, 0), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    expect((await logged(page)).filter((line) => line.startsWith('[vitrine]'))).toEqual([]);
    await context.close();
  });

  it('revalidates a kept catalog past its refresh age with a 304 that no request reports as failed', async () => {
    const { context, page, errors } = await browserWith(newProfile());
    const failed: string[] = [];
    const catalogAnswers: number[] = [];
    context.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    context.on('response', (r) => (r.url().endsWith('/v1/catalog') ? catalogAnswers.push(r.status()) : undefined));
    await open(page, '/');
    await page.getByRole('button', { name: 'Accept all' }).click();
    await page.waitForFunction(() => (window as unknown as ShopWindow).shopReady!.state().consent.decided);
    await open(page, '/tea/green');
    await page.locator('#offers article').first().waitFor();
    // The kept catalog, fetched ten minutes ago as far as the device knows.
    await page.evaluate(async () => {
      const request = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
      const db = await request(indexedDB.open('vitrine:tea-house'));
      const tx = db.transaction('meta', 'readwrite');
      const kept = await request(tx.objectStore('meta').get('catalog'));
      tx.objectStore('meta').put({ ...kept, value: { ...kept.value, fetchedAt: kept.value.fetchedAt - 10 * 60_000 } });
      await new Promise((resolve) => (tx.oncomplete = resolve));
      db.close();
    });
    await open(page, '/tea/black');
    await expect.poll(() => catalogAnswers.includes(304), { timeout: 10_000 }).toBe(true);
    await page.waitForTimeout(300);
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('with a wrong worker path: ready fires, the cart works, and the note names the fix', async () => {
    const { context, page, errors } = await browserWith(newProfile());
    await open(page, '/tea/green', { workerUrl: '/wrong/vitrine-worker-offers.js' });
    expect(await page.evaluate(() => (window as unknown as ShopWindow).shopReady!.state().engine)).toBe('none');
    await page.getByRole('dialog', { name: 'Your choice' }).waitFor();
    await page.getByRole('button', { name: 'Accept all' }).click();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.waitForFunction(async () => (await (window as unknown as ShopWindow).shopReady!.cart.get()).items.length === 1);
    const fix = 'engine: /wrong/vitrine-worker-offers.js answered 404 (text/plain): host vitrine-worker-offers.js next to vitrine.js, or set workerUrl to where it is';
    expect(await notes(page)).toContain(fix);
    expect((await logged(page)).join('\n')).toContain('/wrong/vitrine-worker-offers.js answered 404');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('with a typo in an option: a warning names the closest known one, and the offers come', async () => {
    const { context, page, errors } = await browserWith(newProfile());
    await open(page, '/tea/green', { collectorURL: 'https://elsewhere.example' });
    await page.locator('#offers article').first().waitFor();
    expect(await notes(page)).toContain('options.collectorURL: unknown field; did you mean collectorUrl?');
    expect(await logged(page)).toContain('[vitrine] options.collectorURL: unknown field; did you mean collectorUrl?');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('with a typo in the catalog: the device’s note names the offer, the field and the fix', async () => {
    const typo = structuredClone(CATALOG) as { offers: Record<string, unknown>[] };
    typo.offers[1] = { ...typo.offers[1], catgories: typo.offers[1]!.categories };
    delete typo.offers[1]!.categories;
    writeFileSync(catalogFile, JSON.stringify(typo));
    try {
      const { context, page, errors } = await browserWith(newProfile());
      await open(page, '/tea/green');
      await page.waitForFunction(() => (window as unknown as ShopWindow).shopReady!.state().notes.some((n) => n.startsWith('catalog: ')));
      const note = (await notes(page)).find((n) => n.startsWith('catalog: '))!;
      expect(note).toBe(`catalog: ${collector.base}/v1/catalog answered 503: the catalog is invalid: offers[1] (assam-tin).catgories: unknown field; did you mean categories?`);
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      writeFileSync(catalogFile, JSON.stringify(CATALOG));
    }
  });
});
