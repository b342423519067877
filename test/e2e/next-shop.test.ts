import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../tools/chromium';
import { freePort } from '../../tools/ports';

/*
 * The Next.js App Router storefront (examples/next-shop) as its developer runs it: `next build`
 * and `next start` (telemetry off, no network), then Chromium. Before consent nothing is stored
 * or sent; after it, a product page's offers come back on reload from the device's last
 * decision before React hydrates (shown with the app's scripts blocked), hydration logs
 * nothing, the slots shift nothing, and the cart is still there.
 */

const EXAMPLE = join(process.cwd(), 'examples/next-shop');
const NEXT = join(process.cwd(), 'node_modules/next/dist/bin/next');
const ENV = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

let next: ChildProcess;
let origin: string;
let sink: { origin: string; received: string[]; stop(): Promise<void> };
let browser: Browser;

/** The collector the shop is built with: it counts what reaches it. */
async function startSink(): Promise<typeof sink> {
  const received: string[] = [];
  const app = new Hono();
  app.all('*', (c) => {
    received.push(`${c.req.method} ${new URL(c.req.url).pathname}`);
    return c.body(null, 204, { 'Access-Control-Allow-Origin': '*' });
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

beforeAll(async () => {
  sink = await startSink();
  const started = Date.now();
  execFileSync(process.execPath, ['copy-sdk.mjs'], { cwd: EXAMPLE, stdio: 'pipe' });
  execFileSync(process.execPath, [NEXT, 'build'], { cwd: EXAMPLE, env: { ...ENV, NEXT_PUBLIC_VITRINE_COLLECTOR: sink.origin }, stdio: 'pipe' });
  console.log(`examples/next-shop: next build took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  next = spawn(process.execPath, [NEXT, 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: EXAMPLE, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const seen = (chunk: Buffer) => {
      out += chunk;
      if (/Ready in/.test(out)) resolve();
    };
    next.stdout!.on('data', seen);
    next.stderr!.on('data', seen);
    next.once('exit', (code) => reject(new Error(`next start exited (${code}):\n${out}`)));
  });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (next && next.exitCode === null) {
    const exited = new Promise((resolve) => next.once('exit', resolve));
    next.kill('SIGTERM');
    await exited;
  }
  await sink?.stop();
});

/** A page whose console errors and warnings, and every request it makes, are kept. */
async function openPage(context: BrowserContext): Promise<{ page: Page; logged: string[]; requests: string[] }> {
  const page = await context.newPage();
  const logged: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && logged.push(`${m.text()} (${m.location().url})`));
  page.on('pageerror', (e) => logged.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  return { page, logged, requests };
}

const shown = (page: Page) => page.locator('.vitrine-offer').evaluateAll((offers) => offers.map((o) => (o as HTMLElement).dataset.vitrineOffer));

/** What the shop keeps on the device: Web Storage keys, cookies, IndexedDB databases. */
const kept = (page: Page) =>
  page.evaluate(async () => ({
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
    cookies: document.cookie,
    databases: (await indexedDB.databases()).map((d) => d.name),
  }));

describe('the Next.js storefront', () => {
  it('before consent: contextual offers, nothing stored on the device and nothing sent', async () => {
    const context = await browser.newContext();
    const { page, logged, requests } = await openPage(context);
    await page.goto(`${origin}/p/CF-1`);
    await page.getByRole('dialog', { name: 'Your choice' }).waitFor();
    await expect.poll(() => shown(page), { timeout: 15_000 }).not.toEqual([]);
    expect(await kept(page)).toEqual({ local: [], session: [], cookies: '', databases: [] });
    expect(sink.received).toEqual([]);
    expect(requests.filter((url) => !url.startsWith(origin))).toEqual([]);
    expect(logged).toEqual([]);
    await context.close();
  });

  it('after consent: the offers come back before hydration, hydration logs nothing, the slot shifts nothing, the cart stays', async () => {
    const context = await browser.newContext();
    // Layout shifts from the start of each page, and the slot the pre-paint script painted, marked.
    await context.addInitScript(() => {
      const w = window as unknown as { shifts: number; shifted: string[] };
      w.shifts = 0;
      w.shifted = [];
      type Shift = PerformanceEntry & { value: number; hadRecentInput: boolean; sources: { node?: Node }[] };
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as Shift[]) {
          if (entry.hadRecentInput) continue;
          w.shifts += entry.value;
          for (const { node } of entry.sources)
            w.shifted.push(node instanceof Element ? node.outerHTML.slice(0, 80) : `${node?.nodeName} ${node?.textContent} in ${node?.parentElement?.outerHTML.slice(0, 200)}`);
        }
      }).observe({ type: 'layout-shift', buffered: true });
      new MutationObserver((_, observer) => {
        const first = document.querySelector('.vitrine-slot');
        if (!first) return;
        first.setAttribute('data-first-paint', '');
        observer.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    const { page, logged } = await openPage(context);
    await page.goto(`${origin}/p/CF-1`);
    await page.getByRole('button', { name: 'Accept all' }).click();
    await page.getByRole('dialog', { name: 'Your choice' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await expect.poll(() => page.locator('#cart-count').textContent()).toBe('1 in your cart');
    // With personalization, the engine's offers are kept as the page's copy of the slot.
    await expect.poll(() => page.evaluate(() => localStorage.getItem('vitrine:next-shop:offers')), { timeout: 15_000 }).toContain('"slot":"product"');
    const offers = await shown(page);
    expect(offers.length).toBe(2);

    // Reloaded with the app's scripts blocked: no React, no SDK. The offers are there all the same,
    // painted by the inline script from the device's last decision.
    await page.route('**/_next/static/**', (route) => route.abort());
    await page.reload();
    expect(await shown(page)).toEqual(offers);
    await page.unroute('**/_next/static/**');

    // Reloaded as it is: hydrated, the SDK's renderer takes the slot over with the same offers.
    logged.length = 0;
    await page.reload();
    await expect.poll(() => page.locator('#cart-count').textContent(), { timeout: 15_000 }).toBe('1 in your cart');
    await expect.poll(() => page.locator('.vitrine-slot[data-first-paint]').count(), { timeout: 15_000 }).toBe(0);
    expect(await shown(page)).toEqual(offers);
    expect(await page.evaluate(() => (window as unknown as { shifted: string[] }).shifted)).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { shifts: number }).shifts)).toBe(0);
    expect(logged).toEqual([]);
    // Nothing but aggregate reports may ever reach the collector.
    expect(sink.received.filter((r) => r !== 'POST /v1/reports' && r !== 'OPTIONS /v1/reports')).toEqual([]);
    await context.close();
  });
});
