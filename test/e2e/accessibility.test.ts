import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../tools/chromium';
import { certainCatalog, startServer } from './server';

/*
 * Every page of the demo shop, checked by axe-core (WCAG 2.x A and AA rules, contrast
 * included) at a desktop and a phone width: with the consent banner up, with offers painted,
 * and with the banner's settings open. No serious or critical violation, and nothing wider
 * than a phone's screen.
 */

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PAGES = ['/', '/c/coffee', '/p/CF-100', '/search?q=mat', '/cart', '/checkout', '/order', '/privacy'];
const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 375, height: 740 } };

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vitrine-e2e-a11y-'));
  server = await startServer([], certainCatalog(dir));
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
});
afterAll(async () => {
  await browser.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now, in a line each. */
async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations;
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Whether the page is wider than the window (something a phone would scroll sideways for). */
const overflows = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

const ready = (page: Page) => page.waitForFunction(() => typeof (window as unknown as { vitrine: { cart?: unknown } }).vitrine.cart === 'object');

describe.each(Object.entries(WIDTHS))('the demo shop’s pages at %s width', (_name, viewport) => {
  it('have no serious accessibility violation with the consent banner up', async () => {
    // axe goes in as an inline script, which the demo's CSP refuses (rightly): the test lets its own tool in.
    const context = await browser.newContext({ viewport, bypassCSP: true });
    const page = await context.newPage();
    for (const path of PAGES) {
      await page.goto(server.base + path);
      await ready(page);
      await page.getByRole('dialog', { name: 'Your privacy choices' }).waitFor();
      await page.locator('#cc-main').evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)));
      expect(await violations(page), path).toEqual([]);
      expect(await overflows(page), path).toBe(false);
    }
    await context.close();
  });

  it('have no serious accessibility violation with offers painted, and none in the banner’s settings', async () => {
    // axe goes in as an inline script, which the demo's CSP refuses (rightly): the test lets its own tool in.
    const context = await browser.newContext({ viewport, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${server.base}/p/CF-100`);
    await ready(page);
    await page.getByRole('button', { name: 'Accept all', exact: true }).click();
    await page.getByRole('button', { name: 'Add to cart: Coffee beans' }).click();
    for (const path of PAGES) {
      await page.goto(server.base + path);
      await ready(page);
      // Pages whose slot always has an offer for this cart (the cart's own upsells need more in it).
      if (['/', '/c/coffee', '/p/CF-100', '/order'].includes(path)) await page.locator('[data-slot] article').first().waitFor();
      if (path === '/privacy') await page.locator('#stored tr').first().waitFor();
      expect(await violations(page), path).toEqual([]);
      expect(await overflows(page), path).toBe(false);
    }
    await page.getByRole('button', { name: 'Privacy settings' }).click();
    await page.getByRole('dialog', { name: 'Privacy settings' }).waitFor();
    // Checked once it has faded in: contrast is measured on the colours as painted.
    await page.locator('#cc-main').evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)));
    expect(await violations(page), 'the banner’s settings').toEqual([]);
    await context.close();
  });
});
