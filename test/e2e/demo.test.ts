import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../tools/chromium';
import { certainCatalog, startServer } from './server';
import type { ExportedData } from '../../src/protocol/engine';
import type { Decision, Interest } from '../../src/protocol/decision';

/*
 * The demo shop as a shopper meets it in Chromium: the banner, offers that follow what they
 * browse and say why, a change of mind in the banner's settings, the privacy center, two tabs.
 * Every request a page or its worker makes is recorded and must stay on the shop's origin.
 */

let server: Awaited<ReturnType<typeof startServer>>;
const folders: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-e2e-catalog-'));
  folders.push(dir);
  server = await startServer([], certainCatalog(dir));
});
afterAll(async () => {
  await server.stop();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

type DemoWindow = Window & {
  vitrine: {
    cart?: object;
    flush(): Promise<void>;
    decide(slot: string, options: object): Promise<Decision[]>;
    state(): { storage: string; consent: { decided: boolean; purposes: Record<string, boolean> } };
    privacy: { export(): Promise<ExportedData>; interests(): Promise<Interest[]> };
  };
};

/** A shopper's browser: its own profile, every request recorded, page errors collected. */
async function shopper(): Promise<{ context: BrowserContext; page: Page; requests: URL[]; errors: string[] }> {
  const profile = mkdtempSync(join(tmpdir(), 'vitrine-e2e-'));
  folders.push(profile);
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  const requests: URL[] = [];
  const errors: string[] = [];
  context.on('request', (r) => requests.push(new URL(r.url())));
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, requests, errors };
}

/** Opens a page of the shop and waits until the SDK runs there. */
async function visit(page: Page, path: string): Promise<void> {
  await page.goto(server.base + path);
  await page.waitForFunction(() => typeof (window as unknown as DemoWindow).vitrine.cart === 'object');
}

/** Clicks a button of the banner and waits until the SDK holds the decision. */
async function answerBanner(page: Page, button: 'Accept all' | 'Reject all'): Promise<void> {
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.waitForFunction(() => (window as unknown as DemoWindow).vitrine.state().consent.decided);
}

/** Accepts all on the home page, visits `paths`, and waits until what they tracked is stored. */
async function acceptAndBrowse(page: Page, paths: readonly string[]): Promise<void> {
  await visit(page, '/');
  await answerBanner(page, 'Accept all');
  for (const path of paths) await visit(page, path);
  await page.evaluate(() => (window as unknown as DemoWindow).vitrine.flush());
}

const exported = (page: Page) => page.evaluate(() => (window as unknown as DemoWindow).vitrine.privacy.export());
const databases = (page: Page) => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));

/** Every request stayed on the shop's origin, and none went to the collector unless allowed. */
function expectOnlyTheShop(requests: URL[], reportsAllowed: boolean): void {
  for (const url of requests) {
    expect(url.origin).toBe(new URL(server.base).origin);
    if (!reportsAllowed) expect(url.pathname).not.toBe('/v1/reports');
  }
}

describe('the demo shop in Chromium', () => {
  it('continues the cart on another device from the cart page: a QR code and a link, and the shopper’s yes there', async () => {
    const first = await shopper();
    await acceptAndBrowse(first.page, ['/c/yoga']);
    await first.page.getByRole('button', { name: 'Add to cart: Yoga mat', exact: true }).click();
    await visit(first.page, '/cart');
    await first.page.getByRole('button', { name: 'Show the code and link' }).click();
    const code = first.page.getByRole('img', { name: 'QR code of the link to your cart' });
    await code.waitFor();
    const link = (await first.page.getByRole('link', { name: 'Link to your cart (opens for a day)' }).getAttribute('href'))!;
    expect(link.startsWith(`${server.base}/cart#vitrine-cart=`)).toBe(true);
    expect(first.errors).toEqual([]);
    await first.context.close();

    const second = await shopper();
    await second.page.goto(link);
    const question = second.page.getByRole('dialog', { name: 'Add 1 item from your other device?' });
    await question.waitFor();
    await question.getByRole('button', { name: 'Add to my cart' }).click();
    await second.page.locator('#cart-lines .line[data-sku="YG-100"]').waitFor();
    expect(second.page.url()).toBe(`${server.base}/cart`);
    expectOnlyTheShop(second.requests, false);
    for (const url of second.requests) expect(url.hash).toBe('');
    expect(second.errors).toEqual([]);
    await second.context.close();
  });

  it('shows the banner on a first visit, and stores nothing and sends nothing before a choice', async () => {
    const { context, page, requests, errors } = await shopper();
    await visit(page, '/c/yoga');
    await expect.poll(() => page.getByRole('dialog', { name: 'Your privacy choices' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Add to cart: Yoga mat' }).click();
    await expect.poll(() => page.textContent('#cart-count')).toBe('1');
    await page.evaluate(() => (window as unknown as DemoWindow).vitrine.flush());
    expect(await databases(page)).toEqual([]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expectOnlyTheShop(requests, false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('paints a returning shopper’s offers without moving anything on the page (a layout shift of 0)', async () => {
    const { context, page, errors } = await shopper();
    await acceptAndBrowse(page, ['/c/yoga']);
    // From each page's start: every layout shift, as CLS counts them (none within 500 ms of an input).
    await context.addInitScript(() => {
      const w = window as unknown as { shifts: number[] };
      w.shifts = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!e.hadRecentInput) w.shifts.push(e.value);
      }).observe({ type: 'layout-shift', buffered: true });
    });
    for (const path of ['/', '/c/yoga', '/p/YG-100']) {
      await visit(page, path);
      await page.waitForFunction(() => [...document.querySelectorAll('[data-slot]')].every((slot) => slot.querySelector('.vitrine-offer')));
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300))));
      expect(await page.evaluate(() => (window as unknown as { shifts: number[] }).shifts), path).toEqual([]);
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('after “Accept all”, moves the hero toward the category browsed and says why', async () => {
    const { context, page, requests, errors } = await shopper();
    await visit(page, '/');
    await answerBanner(page, 'Accept all');
    const hero = page.locator('[data-slot="home-hero"]');
    await hero.locator('article').first().waitFor();
    expect(await hero.textContent()).not.toMatch(/coffee/i);

    await visit(page, '/c/coffee');
    for (const sku of ['CF-100', 'CF-200', 'CF-300']) await visit(page, `/p/${sku}`);
    await page.evaluate(() => (window as unknown as DemoWindow).vitrine.flush());
    await visit(page, '/');
    const coffee = hero.locator('article', { hasText: /coffee/i }).first();
    await coffee.waitFor();
    await coffee.locator('summary', { hasText: 'Why this offer?' }).click();
    expect(await coffee.locator('li').allTextContents()).toContain('Because you looked at coffee this week');
    expectOnlyTheShop(requests, true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('after “Reject all”, shows offers from the page alone, keeps nothing but the consent record, and sends no report', async () => {
    const { context, page, requests, errors } = await shopper();
    await visit(page, '/c/trail-running');
    await answerBanner(page, 'Reject all');
    for (const sku of ['TR-100', 'TR-200']) await visit(page, `/p/${sku}`);
    await visit(page, '/c/trail-running');
    await page.locator('[data-slot="home-hero"] article').first().waitFor();
    const decisions = await page.evaluate(() => (window as unknown as DemoWindow).vitrine.decide('home-hero', { limit: 3, context: { category: 'trail-running' } }));
    expect(decisions.map((d) => d.arm)).toEqual(['contextual', 'contextual', 'contextual']);
    expect(decisions[0]!.reasons).toEqual(['Because you are looking at trail running']);

    const { stores } = await exported(page);
    for (const [name, records] of Object.entries(stores)) {
      if (name !== 'meta') expect(records, name).toEqual([]);
    }
    expect((stores.meta as { key: string }[]).map((m) => m.key)).toEqual(['consent']);
    expectOnlyTheShop(requests, false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('erases signals and profile when personalization is withdrawn in the banner’s settings, before the next page', async () => {
    const { context, page, errors } = await shopper();
    await acceptAndBrowse(page, ['/p/YG-100', '/p/YG-200']);
    const before = await exported(page);
    expect(before.stores.signals!.length).toBeGreaterThan(0);
    expect(before.stores.profile!.length).toBe(1);

    await page.getByRole('button', { name: 'Privacy settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Privacy settings' });
    await settings.getByRole('checkbox', { name: 'Personalize offers on this device' }).uncheck({ force: true });
    await settings.getByRole('button', { name: 'Save my choices' }).click();
    await page.waitForFunction(() => !(window as unknown as DemoWindow).vitrine.state().consent.purposes.personalization);

    await visit(page, '/c/coffee');
    const after = await exported(page);
    expect(after.stores.signals).toEqual([]);
    expect(after.stores.profile).toEqual([]);
    expect((after.stores.meta as { key: string }[]).map((m) => m.key)).not.toContain('decisions');
    expect(await page.evaluate(() => (window as unknown as DemoWindow).vitrine.privacy.interests())).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('has a privacy center that reads plainly, exports what was browsed, mutes an interest everywhere, and erases everything', async () => {
    const { context, page, errors } = await shopper();
    await acceptAndBrowse(page, ['/p/TR-100', '/p/TR-200', '/p/TR-300']);
    await page.getByRole('button', { name: 'Add to cart: Trail poles' }).click();
    await expect.poll(() => page.textContent('#cart-count')).toBe('1');
    await page.evaluate(() => (window as unknown as DemoWindow).vitrine.flush());
    await visit(page, '/');
    await page.locator('[data-slot="home-hero"] article', { hasText: /trail/i }).first().waitFor();

    await visit(page, '/privacy');
    // What is kept, in words, with why and until when.
    await expect.poll(() => page.locator('tr[data-kept="signals"]').textContent()).toMatch(/What you browsed here.*Only with personalization.*\d+ signals.*30 days after/);
    expect(await page.locator('tr[data-kept="cart"]').textContent()).toMatch(/Your cart.*Only with keeping your cart.*1 item/);
    expect(await page.locator('tr[data-kept="consent"]').textContent()).toMatch(/Your privacy choices.*Needed for the shop to work/);
    expect(await page.locator('#choices').textContent()).toContain('Personalize offers on this device: on');
    await page.locator('#last-offers li', { hasText: /trail/i }).first().locator('summary').click();
    expect(await page.locator('#last-offers li', { hasText: /trail/i }).first().locator('details li').allTextContents()).toContain('Because you looked at trail running this week');

    // The export is a JSON file holding what was browsed.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download my data (JSON)' }).click();
    const file = await (await download).path();
    const data = JSON.parse(readFileSync(file, 'utf8')) as ExportedData;
    expect(JSON.stringify(data.stores.signals)).toContain('TR-300');
    expect(data.kept.find((k) => k.data === 'signals')).toMatchObject({ purposes: ['personalization'], days: 30 });

    // Mute: gone from the profile, the offers and their reasons.
    const trail = page.getByRole('switch', { name: 'Trail running' });
    expect(await trail.isChecked()).toBe(true);
    await trail.uncheck();
    await expect.poll(() => page.locator('#privacy-status').textContent()).toContain('Trail running is switched off');
    await visit(page, '/');
    await page.locator('[data-slot="home-hero"] article').first().waitFor();
    const decisions = await page.evaluate(() => (window as unknown as DemoWindow).vitrine.decide('home-hero', { limit: 5 }));
    expect(decisions.map((d) => d.id)).not.toContain('trail-10');
    expect(decisions.flatMap((d) => d.reasons).join(' ')).not.toMatch(/trail/i);

    // Erase everything, after a confirmation: no database is left, and the banner asks again.
    await visit(page, '/privacy');
    await page.getByRole('button', { name: 'Erase everything' }).click();
    const confirm = page.getByRole('dialog', { name: 'Erase everything?' });
    await confirm.getByRole('button', { name: 'Keep my data' }).click();
    expect(await databases(page)).toEqual(['vitrine:demo-shop']);
    await page.getByRole('button', { name: 'Erase everything' }).click();
    await confirm.getByRole('button', { name: 'Erase everything' }).click();
    await page.waitForURL('**/privacy?erased=1');
    await page.waitForFunction(() => typeof (window as unknown as DemoWindow).vitrine.cart === 'object');
    expect(await page.locator('#privacy-status').textContent()).toBe('Everything stored on this device was erased.');
    await expect.poll(() => page.getByRole('dialog', { name: 'Your privacy choices' }).isVisible()).toBe(true);
    expect(await databases(page)).toEqual([]);
    expect(await page.textContent('#cart-count')).toBe('0');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lets a keyboard work the privacy center: an interest’s switch, and the erase confirmation', async () => {
    const { context, page, errors } = await shopper();
    await acceptAndBrowse(page, ['/p/YG-100', '/p/YG-200']);
    await visit(page, '/privacy');
    const yoga = page.getByRole('switch', { name: 'Yoga' });
    await yoga.waitFor();
    await yoga.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => page.locator('#privacy-status').textContent()).toContain('Yoga is switched off');
    // Focus stays on the switch, now off, after the list is drawn again.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('interest-yoga');
    expect(await page.getByRole('switch', { name: 'Yoga' }).isChecked()).toBe(false);

    const erase = page.getByRole('button', { name: 'Erase everything' });
    await erase.focus();
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog', { name: 'Erase everything?' });
    await confirm.waitFor();
    // The safe choice has the focus; Escape closes without erasing, back on the button that opened it.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep my data');
    await page.keyboard.press('Escape');
    await expect.poll(() => confirm.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('privacy-erase');
    expect(await databases(page)).toEqual(['vitrine:demo-shop']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps two tabs in sync', async () => {
    const { context, page: a } = await shopper();
    await visit(a, '/c/road-running');
    await answerBanner(a, 'Accept all');
    const b = await context.newPage();
    await visit(b, '/cart');
    await a.getByRole('button', { name: 'Add to cart: Road racer' }).click();
    await b.waitForFunction(() => document.querySelectorAll('#cart-lines .line').length === 1);
    expect(await b.getAttribute('#cart-lines .line', 'data-sku')).toBe('RD-100');
    await b.getByRole('button', { name: 'Remove Road racer from cart' }).click();
    await expect.poll(() => a.textContent('#cart-count')).toBe('0');
    await context.close();
  });
});
