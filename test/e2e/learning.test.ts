import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../tools/chromium';
import { startServer } from './server';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { validatePriors, type Priors, type SignedPriors } from '../../src/protocol/priors';
import type { Decision } from '../../src/protocol/decision';
import { simulatePopulation } from '../../server/simulate/population';
import { sendReports } from '../../server/simulate/send';

/*
 * The loop, end to end, in Chromium: simulated shoppers teach the collector that trail-10's
 * content variant `b` wins (the simulator's shoppers click it 1.6× as often), the priors are
 * republished, and real browsers then show `b`; the network audit still sees nothing but the
 * pages, the SDK's files, the catalog and the priors.
 */

const TOKEN = 'the-learning-test-token-of-32-characters';
let server: Awaited<ReturnType<typeof startServer>>;
const folders: string[] = [];

beforeAll(async () => {
  server = await startServer([], undefined, false, undefined, { token: TOKEN, perMinute: 1_000_000 });
});
afterAll(async () => {
  await server.stop();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const priorsNow = async (): Promise<Priors> => {
  const res = await fetch(`${server.base}/v1/priors?site=demo-shop`);
  expect(res.status).toBe(200);
  return validatePriors(JSON.parse(((await res.json()) as SignedPriors).signed));
};
const ctrMean = (p: Priors, offer: string, variant: string) => {
  const { alpha, beta } = p.priors.find((a) => a.offer === offer && a.variant === variant)!.ctr;
  return alpha / (alpha + beta);
};

/** A new shopper's browser: a fresh profile (a fresh device seed), no consent given; what it asked of the network. */
async function trailVariantOfANewShopper(): Promise<{ variant: string | undefined; requests: { method: string; url: URL }[]; seen: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'vitrine-e2e-learning-'));
  folders.push(profile);
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  const requests: { method: string; url: URL }[] = [];
  context.on('request', (r) => requests.push({ method: r.method(), url: new URL(r.url()) }));
  const logged: string[] = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => logged.push(m.text()));
    await page.goto(`${server.base}/`);
    await page.waitForFunction(() => typeof (window as unknown as { vitrine: { cart?: object } }).vitrine.cart === 'object');
    const { decisions, state } = await page.evaluate(async () => {
      const v = (window as unknown as { vitrine: { decide(slot: string, o: object): Promise<Decision[]>; state(): object } }).vitrine;
      return { decisions: await v.decide('home-hero', { limit: 10 }), state: v.state() };
    });
    expect(decisions, logged.join('\n')).toBeInstanceOf(Array);
    const trail = decisions.find((d) => d.id === 'trail-10');
    // What a failing run needs to say why: the decision, the priors the page knew of, its notes and console.
    const seen = JSON.stringify({ trail: trail && { variant: trail.variant, arm: trail.arm }, state, console: logged });
    return { variant: trail?.variant, requests, seen };
  } finally {
    await context.close();
  }
}

describe('offers that learn, in the demo shop in Chromium', () => {
  it('learn from simulated shoppers that a variant wins, and a real browser then shows it, sending nothing but GETs', async () => {
    const before = await priorsNow();
    expect(before.priors.find((a) => a.offer === 'trail-10' && a.variant === 'b')!.ctr.basis).toBe('none');

    // 1. Simulated shoppers, whose reports are built by the SDK's own report code.
    const catalog = validateCatalog(JSON.parse(readFileSync(join(process.cwd(), 'demo/catalog.json'), 'utf8')));
    const { reports } = simulatePopulation({ catalog, devices: 400, days: 7, seed: 20, now: Date.now() });
    const sent = await sendReports(
      reports.map((r) => JSON.stringify(r)),
      { url: `${server.base}/v1/reports`, concurrency: 8 },
    );
    expect(sent.stopped).toBeUndefined();
    expect(sent.accepted).toBe(reports.length);

    // 2. The priors are republished at once (on demand, behind the token).
    const made = await fetch(`${server.base}/v1/priors?site=demo-shop`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(made.status).toBe(201);
    const after = await priorsNow();
    expect(after.version).not.toBe(before.version);
    expect(after.priors.find((a) => a.offer === 'trail-10' && a.variant === 'b')!.ctr.basis).toBe('own');
    expect(ctrMean(after, 'trail-10', 'b')).toBeGreaterThan(1.3 * ctrMean(after, 'trail-10', 'default'));

    // 3. New shoppers' browsers show the winner: each draws it with a chance near 99% (the
    //    floor leaves 1% to each variant), so two of three is all but certain.
    const shoppers = [];
    for (let i = 0; i < 3; i++) shoppers.push(await trailVariantOfANewShopper());
    expect(shoppers.filter((s) => s.variant === 'b').length, shoppers.map((s) => s.seen).join('\n')).toBeGreaterThanOrEqual(2);

    // 4. What left the browsers: GETs of the shop's pages, the SDK's files, the catalog and the priors.
    for (const { requests } of shoppers) {
      expect(requests.some((r) => r.url.pathname === '/v1/priors')).toBe(true);
      for (const { method, url } of requests) {
        expect(url.origin).toBe(new URL(server.base).origin);
        expect(method).toBe('GET');
        expect(url.pathname).toMatch(/^(\/|\/demo\/[\w./-]+|\/vitrine\/vitrine(-[\w-]+)?\.js|\/v1\/catalog|\/v1\/priors)$/);
        expect(url.search).toBe(url.pathname === '/v1/priors' ? '?site=demo-shop' : '');
      }
    }
  });
});
