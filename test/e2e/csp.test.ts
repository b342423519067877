import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { Hono } from 'hono';
import { CHROMIUM_ARGS, chromiumPath } from '../../tools/chromium';
import { certainCatalog, startServer } from './server';

/*
 * A shop with a strict Content-Security-Policy: scripts only by nonce ('strict-dynamic'), no
 * worker-src, no 'unsafe-eval'; and a shop that requires Trusted Types. The page pastes the
 * snippet (the Trusted Types one where they are required) and asks for offers; it records every
 * CSP violation the browser raises, and the console's refusals too.
 */

const dist = join(process.cwd(), 'dist');

/** The CSPs under test, by page. `N` is the response's nonce. */
const POLICIES = {
  strict: "default-src 'self'; script-src 'nonce-N' 'strict-dynamic'; object-src 'none'; base-uri 'none'",
  'no-workers': "default-src 'self'; script-src 'nonce-N' 'strict-dynamic'; worker-src 'none'; object-src 'none'; base-uri 'none'",
  'trusted-types': "default-src 'self'; script-src 'nonce-N' 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'; trusted-types vitrine",
};

/** A shop page under one of the policies, the engine chosen by `?engine=` (`auto` by default). */
function shopPage(app: Hono): void {
  app.get('/csp/:policy', (c) => {
    const policy = POLICIES[c.req.param('policy') as keyof typeof POLICIES];
    if (!policy) return c.notFound();
    const engine = c.req.query('engine') ?? 'auto';
    const nonce = randomBytes(16).toString('base64');
    const snippet = readFileSync(join(dist, c.req.param('policy') === 'trusted-types' ? 'snippet-trusted-types.min.js' : 'snippet.min.js'), 'utf8');
    c.header('Content-Security-Policy', policy.replace('N', nonce));
    return c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A shop with a CSP</title>
<script nonce="${nonce}">
  window.violations = [];
  document.addEventListener('securitypolicyviolation', function (e) { window.violations.push(e.effectiveDirective + ' ' + e.blockedURI); });
</script>
<script nonce="${nonce}">${snippet}</script>
<script nonce="${nonce}">
  vitrine('init', { siteId: 'demo-shop', catalogUrl: '/v1/catalog', collectorUrl: '/', engine: ${JSON.stringify(engine)} });
  vitrine('consent.set', { functional: true, personalization: true, measurement: true });
  vitrine('track', 'category_view', { category: 'yoga' });
  vitrine('ready', function (v) {
    v.render('home-hero', document.getElementById('offers'), { limit: 2, context: { category: 'yoga' } }).then(function () { window.rendered = true; });
  });
</script>
</head><body><main><h1>Offers</h1><div id="offers"></div></main></body></html>`);
  });
}

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vitrine-e2e-csp-'));
  server = await startServer([], certainCatalog(dir), true, shopPage);
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
});
afterAll(async () => {
  await browser.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a page, waits for its offers, and tells what ran and what the browser refused. */
async function visit(path: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const refused: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Trusted Type/i.test(m.text())) refused.push(m.text());
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.base + path);
  await page.waitForFunction(() => (window as unknown as { rendered?: boolean }).rendered === true);
  const seen = await page.evaluate(() => {
    const w = window as unknown as { violations: string[]; vitrine: { state(): { engine: string; notes: string[] } } };
    return { violations: w.violations, engine: w.vitrine.state().engine, notes: w.vitrine.state().notes, offers: document.querySelectorAll('#offers article').length };
  });
  await context.close();
  return { ...seen, refused, errors };
}

describe('a shop with a strict Content-Security-Policy, in Chromium', () => {
  it('gets offers with no violation, without worker-src and without unsafe-eval', async () => {
    const seen = await visit('/csp/strict');
    expect(seen).toMatchObject({ offers: 2, violations: [], refused: [], errors: [] });
    // Chromium lets a nonce-only script-src with 'strict-dynamic' start the SDK's Worker.
    expect(seen.engine).toBe('worker');
  });

  it('gets offers from the in-thread engine, with no violation, where Workers are refused and it says engine: inline', async () => {
    const seen = await visit('/csp/no-workers?engine=inline');
    expect(seen).toMatchObject({ engine: 'inline', offers: 2, violations: [], refused: [], errors: [] });
  });

  it('gets offers from the in-thread engine by itself where Workers are refused; the only refusals are the Workers it tried first', async () => {
    const seen = await visit('/csp/no-workers');
    expect(seen).toMatchObject({ engine: 'inline', offers: 2 });
    for (const e of seen.errors) expect(e).toMatch(/worker/i);
    expect(seen.violations.length).toBeGreaterThan(0);
    for (const v of seen.violations) expect(v).toMatch(/^worker-src (http:\/\/localhost:\d+\/vitrine\/vitrine-worker(?:-offers)?\.js|blob)$/);
    for (const r of seen.refused) expect(r).toMatch(/^Creating a worker from '(http:\/\/localhost:\d+\/vitrine\/vitrine-worker(?:-offers)?\.js|blob:[^']+)' violates [^"]+"worker-src 'none'"/);
    expect(seen.notes.join(' ')).toMatch(/engine: .*Worker/);
  });

  it('under required Trusted Types, runs the engine in a Worker and loads every file through the policy “vitrine”, with no violation', async () => {
    const seen = await visit('/csp/trusted-types');
    expect(seen).toMatchObject({ engine: 'worker', offers: 2, violations: [], refused: [], errors: [] });
  });

  it('under required Trusted Types, the in-thread engine loads its chunks through the policy too', async () => {
    const seen = await visit('/csp/trusted-types?engine=inline');
    expect(seen).toMatchObject({ engine: 'inline', offers: 2, violations: [], refused: [], errors: [] });
  });
});
