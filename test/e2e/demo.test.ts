import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../chromium';
import { certainCatalog, startServer } from './server';
import { travelStoredTime } from '../fixtures/travel';

let server: Awaited<ReturnType<typeof startServer>>;
const profiles: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-e2e-catalog-'));
  profiles.push(dir);
  server = await startServer([], certainCatalog(dir));
});
afterAll(async () => {
  await server.stop();
  for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
});

/** A browser with its own profile directory, as a shopper's browser keeps one. */
function newProfile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-e2e-'));
  profiles.push(dir);
  return dir;
}

function launch(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, { executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
}

async function openShop(context: BrowserContext): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.base + '/');
  await page.waitForFunction(() => typeof (window as unknown as { vitrine: { cart?: unknown } }).vitrine.cart === 'object');
  expect(errors).toEqual([]);
  return page;
}

const cartSkus = (page: Page) => page.$$eval('#cart-lines .line', (lines) => lines.map((l) => l.getAttribute('data-sku')));

describe('demo storefront in Chromium', () => {
  it('restores the cart after the browser is closed and started again', async () => {
    const profile = newProfile();
    let context = await launch(profile);
    let page = await openShop(context);
    await page.getByRole('button', { name: 'Accept all' }).click();
    await page.getByRole('button', { name: 'Add Trail runner to cart' }).click();
    await page.getByRole('button', { name: 'Add Yoga mat to cart' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#cart-lines .line').length === 2);
    await context.close();

    context = await launch(profile);
    page = await openShop(context);
    await page.waitForFunction(() => document.querySelectorAll('#cart-lines .line').length === 2);
    expect(await cartSkus(page)).toEqual(['TR-100', 'YG-100']);
    await expect.poll(() => page.textContent('#cart-note')).toContain('we kept the 2 items');
    const cart = await page.evaluate(() => (window as unknown as { vitrine: { cart: { get(): Promise<{ restored: boolean }> } } }).vitrine.cart.get());
    expect(cart.restored).toBe(true);
    expect(await page.isHidden('#consent')).toBe(true);
    await context.close();
  });

  it('forgets the cart at browser restart when the shopper chose necessary only', async () => {
    const profile = newProfile();
    let context = await launch(profile);
    let page = await openShop(context);
    await page.getByRole('button', { name: 'Necessary only' }).click();
    await page.getByRole('button', { name: 'Add Coffee beans to cart' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#cart-lines .line').length === 1);
    await context.close();

    context = await launch(profile);
    page = await openShop(context);
    await expect.poll(() => page.textContent('#cart-lines')).toContain('Your cart is empty.');
    await context.close();
  });

  it('shows offers, personalizes them after browsing, explains why, and lets the shopper mute an interest', async () => {
    const context = await launch(newProfile());
    const page = await openShop(context);
    await page.getByRole('button', { name: 'Accept all' }).click();
    await page.waitForSelector('#offers-hero article');
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Look at Trail runner' }).click();
    await expect.poll(() => page.textContent('#offers-hero')).toContain('trail');
    const why = page.locator('#offers-hero article', { hasText: 'trail' }).first().locator('summary');
    await why.click();
    const reasons = await page.locator('#offers-hero article', { hasText: 'trail' }).first().locator('li').allTextContents();
    expect(reasons).toEqual(['Because you looked at trail running this week', 'Because you are looking at trail running']);

    await expect.poll(() => page.textContent('#interests')).toContain('trail running');
    await page.getByRole('button', { name: 'Mute trail running' }).click();
    await expect.poll(() => page.textContent('#interests-note')).toContain('trail running is muted');
    await expect.poll(() => page.locator('#offers-hero').textContent()).not.toMatch(/trail/i);
    await context.close();
  });

  it('sends nothing but aggregate reports: every request the page and its worker make is for SDK files, the catalog, or a valid report', async () => {
    const context = await launch(newProfile());
    const requests: { method: string; url: URL; body: string | null; status?: number }[] = [];
    context.on('request', (r) => requests.push({ method: r.method(), url: new URL(r.url()), body: r.postData() }));
    context.on('requestfinished', async (r) => {
      const seen = requests.find((x) => x.url.href === r.url() && x.body === r.postData() && x.status === undefined);
      if (seen) seen.status = (await r.response())?.status();
    });
    const page = await openShop(context);
    await page.getByRole('button', { name: 'Accept all' }).click();
    // The banner a first visit shows hands focus back to the top of the page, offers in view.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('page-title');
    expect(await page.evaluate(() => document.querySelector('#offers-hero')!.getBoundingClientRect().top)).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Look at Trail runner' }).click();
    await page.getByRole('button', { name: 'Add Trail runner to cart' }).click();
    await page.getByRole('button', { name: 'Look at Yoga mat' }).click();
    await expect.poll(() => page.textContent('#offers-hero')).toContain('yoga');
    await page.evaluate(() => (window as unknown as { vitrine: { flush(): Promise<void> } }).vitrine.flush());
    // The offers on screen for a second count as impressions, kept on the device.
    const exported = () => page.evaluate(() => (window as unknown as { vitrine: { privacy: { export(): Promise<{ stores: Record<string, unknown[]> }> } } }).vitrine.privacy.export());
    await expect.poll(async () => (await exported()).stores.exposures?.length ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);

    // The shopper comes back after the one-minute report window closed: its report goes out.
    await page.evaluate(travelStoredTime, { db: 'vitrine:demo-shop', ms: 5 * 60_000 });
    await page.reload();
    await expect.poll(async () => (await server.stats("demo-shop")).reduce((sum, r) => sum + r.impressions, 0), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.textContent('#sdk-state'), { timeout: 10_000 }).toMatch(/Aggregate reports: [1-9]\d* sent/);

    // The worker's own requests (chunks, catalog, reports) are seen here too.
    expect(requests.some((r) => r.url.pathname === '/v1/catalog')).toBe(true);
    expect(requests.some((r) => r.url.pathname === '/vitrine/vitrine-decide.js')).toBe(true);
    expect(requests.some((r) => r.url.pathname === '/vitrine/vitrine-report.js')).toBe(true);
    const { validateReport } = await import('../../src/protocol/report');
    const reports = requests.filter((r) => r.method === 'POST');
    expect(reports.length).toBeGreaterThan(0);
    for (const r of requests) {
      expect(r.url.origin).toBe(new URL(server.base).origin);
      if (r.method === 'POST') {
        expect(r.url.pathname).toBe('/v1/reports');
        expect(() => validateReport(JSON.parse(r.body ?? ''))).not.toThrow();
      } else {
        expect(r.method).toBe('GET');
        expect(r.url.pathname).toMatch(/^(\/|\/demo\/[\w./-]+|\/vitrine\/vitrine(-[\w-]+)?\.js|\/v1\/catalog)$/);
        // No query string carries anything out.
        expect(r.url.search).toBe('');
      }
    }
    await expect.poll(() => reports.every((r) => r.status === 202)).toBe(true);
    await context.close();
  });

  it('keeps two tabs in sync', async () => {
    const context = await launch(newProfile());
    const a = await openShop(context);
    await a.getByRole('button', { name: 'Accept all' }).click();
    const b = await context.newPage();
    await b.goto(server.base + '/');
    await a.getByRole('button', { name: 'Add Road racer to cart' }).click();
    await b.waitForFunction(() => document.querySelectorAll('#cart-lines .line').length === 1);
    expect(await cartSkus(b)).toEqual(['RD-100']);
    await b.getByRole('button', { name: 'Remove Road racer from cart' }).click();
    await a.waitForFunction(() => document.querySelectorAll('#cart-lines .line').length === 0);
    await context.close();
  });
});
