import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../tools/chromium';
import { certainCatalog, startServer } from './server';

// The demo storefront's pages, as a shopper goes through them: a category, a product, the
// cart, the checkout and the order confirmation, all on the SDK through the script tag.

let server: Awaited<ReturnType<typeof startServer>>;
let profile: string;
let context: BrowserContext;
const errors: string[] = [];

beforeAll(async () => {
  profile = mkdtempSync(join(tmpdir(), 'vitrine-e2e-shop-'));
  server = await startServer([], certainCatalog(profile));
  context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
});
afterAll(async () => {
  await context.close();
  await server.stop();
  rmSync(profile, { recursive: true, force: true });
});

/** Opens a page of the shop and waits until the SDK is running there. */
async function visit(path: string): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.removeAllListeners('pageerror');
  page.on('pageerror', (e) => errors.push(`${path}: ${e.message}`));
  await page.goto(server.base + path);
  await page.waitForFunction(() => typeof (window as unknown as { vitrine: { cart?: unknown } }).vitrine.cart === 'object');
  return page;
}

describe('demo storefront pages in Chromium', () => {
  it('takes a shopper from a category to a product, the cart, the checkout and the order confirmation', async () => {
    let page = await visit('/c/coffee');
    await page.getByRole('button', { name: 'Accept all', exact: true }).click();
    await page.waitForFunction(() => !document.documentElement.classList.contains('show--consent'));
    await page.getByRole('link', { name: 'Coffee beans' }).click();
    await page.waitForURL('**/p/CF-100');
    await page.waitForFunction(() => typeof (window as unknown as { vitrine: { cart?: unknown } }).vitrine.cart === 'object');
    await page.waitForSelector('[data-slot="product-also"] article');
    expect(await page.textContent('[data-slot="product-also"]')).toMatch(/filters/i);
    await page.getByRole('button', { name: 'Add to cart: Coffee beans' }).click();
    await expect.poll(() => page.textContent('#cart-count')).toBe('1');

    page = await visit('/cart');
    await page.waitForFunction(() => document.querySelectorAll('#cart-lines .line').length === 1);
    expect(await page.getAttribute('#cart-lines .line', 'data-sku')).toBe('CF-100');
    expect(await page.textContent('#cart-total')).toBe('€14.00');
    await page.getByRole('link', { name: 'Go to checkout' }).click();
    await page.waitForURL('**/checkout');
    await page.waitForFunction(() => document.querySelectorAll('#cart-lines .line').length === 1);
    await page.getByLabel('Name').fill('Ada');
    await page.getByLabel('Address').fill('1 Main Street');
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL('**/order');

    // The purchase emptied the cart; coffee runs out, so the confirmation offers to restock it.
    await page.waitForFunction(() => typeof (window as unknown as { vitrine: { cart?: unknown } }).vitrine.cart === 'object');
    await page.waitForSelector('[data-slot="order"] article');
    expect(await page.textContent('[data-slot="order"]')).toMatch(/beans/i);
    expect(await page.textContent('#cart-count')).toBe('0');
    const cart = await page.evaluate(() => (window as unknown as { vitrine: { cart: { get(): Promise<{ items: unknown[] }> } } }).vitrine.cart.get());
    expect(cart.items).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('finds products by search', async () => {
    const page = await visit('/search?q=yoga+mat');
    expect(await page.getByRole('status').first().textContent()).toBe('1 result for “yoga mat”');
    expect(await page.getByRole('button', { name: 'Add to cart: Yoga mat' }).count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
