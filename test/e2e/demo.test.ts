import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../chromium';
import { startServer } from './server';

let server: Awaited<ReturnType<typeof startServer>>;
const profiles: string[] = [];

beforeAll(async () => {
  server = await startServer();
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
