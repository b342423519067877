// @vitest-environment node
// The engine needs no DOM: Node gives it fetch, BroadcastChannel and WebCrypto as a Worker would.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import '../../worker/decide-entry';
import '../../worker/learn-entry';
import { createEngine } from '../../worker/engine';
import { learnedDraws } from '../../worker/learn/thompson';
import { priorsUrl } from '../../worker/learn/cache';
import { betaDraw } from '../../src/protocol/beta';
import { generator } from '../../worker/random';
import type { Catalog } from '../../src/protocol/catalog';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { priorsJson, type ArmPrior, type Priors } from '../../src/protocol/priors';
import { reportDomain } from '../../src/protocol/report';
import type { EngineApi, EngineEvent } from '../../src/protocol/engine';
import { decided, ok } from './replies';
import { freshIndexedDB } from './idb';
import { startCdn, type Cdn } from '../catalog-cdn';
import { testCatalog, holdout } from '../fixtures/catalog';

const SITE = 'test-shop';
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
let cdn: Cdn;
let engines: EngineApi[] = [];
let n = 0;
let name: string;

async function keyPair() {
  const pair = await crypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const sign = async (text: string) =>
    JSON.stringify({ signed: text, signature: Buffer.from(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, new TextEncoder().encode(text))).toString('base64') });
  return { publicJwk: { kty, crv, x, y }, sign };
}
let key: Awaited<ReturnType<typeof keyPair>>;

/** The test shop's catalog, learning its offers' rank and variants, with its priors at /c/<name>-priors. */
function learningCatalog(extra: Record<string, unknown> = {}) {
  return testCatalog({ learning: { priorsKey: key.publicJwk, priorsUrl: `/c/${name}-priors`, offers: true, variants: true }, ...extra });
}

/**
 * Priors for the learning catalog: trail-10's variant `b` clicked at about 20%, everything else
 * at about 1%. With a floor of 1% a device shows `default` 1% of the time; the engine's tests
 * use a floor of 0 (`certain`) so that what a device shows does not hang on its random seed.
 */
function priors(extra: Partial<Priors> = {}, catalog = validateCatalog(learningCatalog())): Priors {
  const now = Date.now();
  const arm = (offer: string, variant: string): ArmPrior => {
    const [alpha, beta] = offer === 'trail-10' && variant === 'b' ? [200, 800] : [10, 990];
    return { offer, variant, ctr: { alpha, beta, basis: 'own' }, cvr: { alpha: 1, beta: 1, basis: 'none' } };
  };
  return {
    v: 1,
    site: SITE,
    catalog: catalog.version,
    version: new Date(now).toISOString(),
    computedAt: now,
    validUntil: now + 86_400_000,
    method: { periodMs: 3_600_000, halfLifeDays: 14, minImpressions: 100, k: 20, floor: 0.01 },
    priors: reportDomain(catalog).map(([offer, variant]) => arm(offer, variant)),
    ...extra,
  };
}

/** {@link priors} with no floor: every device shows the winning variant. */
const certain = (extra: Partial<Priors> = {}, catalog?: Catalog) => {
  const p = priors(extra, catalog);
  return { ...p, method: { ...p.method, floor: 0 } };
};

beforeAll(async () => {
  cdn = await startCdn();
  key = await keyPair();
});
afterAll(() => cdn.stop());
beforeEach(async () => {
  freshIndexedDB();
  engines = [];
  name = `learn-${n++}`;
  await cdn.set(name, learningCatalog());
});
afterEach(async () => {
  for (const e of engines) await e.close();
});

let events: EngineEvent[] = [];
async function tab() {
  const engine = createEngine();
  events = [];
  ok(await engine.init({ siteId: SITE, catalogUrl: `${cdn.base}/c/${name}` }, (e) => events.push(e)));
  engines.push(engine);
  return engine;
}

describe('drawing from the priors', () => {
  it("draws Beta variates with the distribution's mean and spread", () => {
    const random = generator(7);
    const draws = Array.from({ length: 20_000 }, () => betaDraw(3, 7, random));
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / draws.length;
    expect(mean).toBeCloseTo(0.3, 2);
    expect(variance).toBeCloseTo((3 * 7) / (10 ** 2 * 11), 3);
    // Shapes under 1 take the boost: Beta(0.5, 0.5) has mean 1/2 and variance 1/8.
    const small = Array.from({ length: 20_000 }, () => betaDraw(0.5, 0.5, random));
    const smallMean = small.reduce((s, x) => s + x, 0) / small.length;
    expect(smallMean).toBeCloseTo(0.5, 1);
    expect(small.reduce((s, x) => s + (x - smallMean) ** 2, 0) / small.length).toBeCloseTo(0.125, 2);
  });

  it('gives the winning variant to nearly every device and every variant its floor share', () => {
    const catalog = validateCatalog(learningCatalog());
    const p = priors({}, catalog);
    const seeds = Array.from({ length: 4000 }, (_, i) => i * 2_654_435_761);
    const shown = seeds.map((seed) => learnedDraws(catalog, p, seed).variants.get('trail-10'));
    const share = (v: string) => shown.filter((x) => x === v).length / seeds.length;
    expect(share('b')).toBeGreaterThan(0.97);
    // The floor: 1% of devices each pick a variant at random, so `default` keeps about 1%.
    expect(share('default')).toBeGreaterThan(0.004);
    expect(share('default')).toBeLessThan(0.02);
  });

  it("keeps a device's draws for a priors version, and draws afresh for the next", () => {
    const catalog = validateCatalog(learningCatalog());
    const p = priors({}, catalog);
    const seeds = Array.from({ length: 50 }, (_, i) => i + 1);
    for (const seed of seeds) expect(learnedDraws(catalog, p, seed)).toEqual(learnedDraws(catalog, p, seed));
    const next = { ...p, version: 'next' };
    const changed = seeds.filter((seed) => learnedDraws(catalog, p, seed).values.get('trail-10') !== learnedDraws(catalog, next, seed).values.get('trail-10'));
    expect(changed.length).toBeGreaterThan(40);
  });

  it('learns nothing for offers whose switch is off, nor from the uniform prior of an arm without evidence', () => {
    const catalog = validateCatalog(learningCatalog({ learning: { priorsKey: key.publicJwk, slots: { cart: { offers: true } } } }));
    const p = priors({}, catalog);
    p.priors = p.priors.map((a) => (a.offer === 'big-basket' ? { ...a, ctr: { alpha: 1, beta: 1, basis: 'none' } } : a));
    const draws = learnedDraws(catalog, p, 1);
    expect([...draws.values.keys()]).toEqual(['coffee-again']);
    expect(draws.variants.size).toBe(0);
  });
});

describe('where a device finds the priors', () => {
  it("looks beside the catalog, or at the catalog's priorsUrl, relative to the page when the catalog URL is", () => {
    const catalog = validateCatalog(learningCatalog({ learning: { priorsKey: key.publicJwk } }));
    expect(priorsUrl(catalog, 'https://cdn.example/shop/catalog.json', 'my shop')).toBe('https://cdn.example/shop/priors?site=my%20shop');
    vi.stubGlobal('location', { href: 'https://shop.example/p/42' });
    try {
      expect(priorsUrl(catalog, '/v1/catalog', 'demo-shop')).toBe('https://shop.example/v1/priors?site=demo-shop');
      const elsewhere = validateCatalog(learningCatalog({ learning: { priorsKey: key.publicJwk, priorsUrl: 'https://collector.example/v1/priors?site=demo-shop' } }));
      expect(priorsUrl(elsewhere, '/v1/catalog', 'demo-shop')).toBe('https://collector.example/v1/priors?site=demo-shop');
    } finally {
      vi.unstubAllGlobals();
    }
    expect(priorsUrl(validateCatalog(testCatalog()), '/v1/catalog', 'demo-shop')).toBeNull();
  });
});

describe('an engine whose catalog learns', () => {
  it('shows the variant and offer its priors favour, and says it is popular in this shop', async () => {
    await cdn.set(`${name}-priors`, await key.sign(priorsJson(certain())));
    const engine = await tab();
    const [top] = ok(await engine.decide('home-hero', { limit: 1 }));
    expect(top).toMatchObject({ id: 'trail-10', variant: 'b', arm: 'contextual', reasons: ['Popular in this shop'] });
    expect(events.filter((e) => e.type === 'priors')).toEqual([{ type: 'priors', version: expect.any(String) }]);
    // Fetched once for the catalog version, not at every decision.
    ok(await engine.decide('home-hero', { limit: 1 }));
    expect(cdn.hits(`${name}-priors`)).toEqual({ ok: 1, notModified: 0 });
  });

  it('lets every decision of a page wait for the first priors, not only the first to ask', async () => {
    await cdn.set(`${name}-priors`, await key.sign(priorsJson(certain())));
    const engine = await tab();
    const both = await Promise.all([engine.decide('home-hero', { limit: 1 }), engine.decide('home-hero', { limit: 1 })]);
    for (const d of both) expect(ok(d)[0]).toMatchObject({ id: 'trail-10', variant: 'b' });
  });

  it('does not make the next page wait for priors whose last fetch failed, until they are stale', async () => {
    await cdn.set(`${name}-priors`, priorsJson(certain()));
    const first = await tab();
    ok(await first.setConsent(decided({ functional: true })));
    expect(ok(await first.decide('home-hero', { limit: 1 }))[0]).toMatchObject({ id: 'yoga-mat' });
    expect(cdn.hits(`${name}-priors`).ok).toBe(1);
    const next = await tab();
    expect(ok(await next.decide('home-hero', { limit: 1 }))[0]).toMatchObject({ id: 'yoga-mat' });
    expect(cdn.hits(`${name}-priors`).ok).toBe(1);
  });

  it('keeps the last good priors when later ones are refused', async () => {
    await cdn.set(`${name}-priors`, await key.sign(priorsJson(certain())));
    const engine = await tab();
    expect(ok(await engine.decide('home-hero', { limit: 1 }))[0]).toMatchObject({ id: 'trail-10', variant: 'b' });
    // Forged priors favouring the default, fetched once the first are stale.
    const forged = certain({ version: 'forged' });
    forged.priors = forged.priors.map((a) => (a.offer === 'yoga-mat' ? { ...a, ctr: { alpha: 900, beta: 100, basis: 'own' as const } } : a));
    await cdn.set(`${name}-priors`, await (await keyPair()).sign(priorsJson(forged)));
    const later = Date.now() + 6 * 60_000;
    const clock = vi.spyOn(Date, 'now').mockReturnValue(later);
    try {
      ok(await engine.decide('home-hero', { limit: 1 }));
      await expect.poll(() => cdn.hits(`${name}-priors`).ok).toBe(2);
      expect(ok(await engine.decide('home-hero', { limit: 1 }))[0]).toMatchObject({ id: 'trail-10', variant: 'b', reasons: ['Popular in this shop'] });
    } finally {
      clock.mockRestore();
    }
  });

  it.each([
    ['signed with another key', async (text: string) => (await keyPair()).sign(text)],
    [
      'tampered with',
      async (text: string) => {
        const signed = await key.sign(text);
        const tampered = signed.replace('\\"alpha\\":200', '\\"alpha\\":900');
        expect(tampered).not.toBe(signed);
        return tampered;
      },
    ],
    ['not signed', async (text: string) => text],
  ])('refuses priors %s, ranks as the catalog says, and tells why', async (_, make) => {
    await cdn.set(`${name}-priors`, await make(priorsJson(certain())));
    const engine = await tab();
    const [top] = ok(await engine.decide('home-hero', { limit: 1 }));
    expect(top).toMatchObject({ id: 'yoga-mat', reasons: ['Featured by the shop'] });
    expect(events.filter((e) => e.type === 'priors')).toEqual([{ type: 'priors', version: null, error: expect.stringMatching(/^(the signature does not match|expected a signed priors)/) }]);
  });

  it.each([
    ['past their validUntil', () => certain({ computedAt: Date.now() - 2 * 86_400_000, validUntil: Date.now() - 1 })],
    ['for another catalog version', () => certain({ catalog: 'an-older-version' })],
    ['for another site', () => certain({ site: 'other-shop' })],
  ])('uses no priors %s', async (_, make) => {
    await cdn.set(`${name}-priors`, await key.sign(priorsJson(make())));
    const engine = await tab();
    expect(ok(await engine.decide('home-hero', { limit: 1 }))[0]).toMatchObject({ id: 'yoga-mat' });
  });

  it("keeps the holdout's baseline arm on the catalog's fixed order and weights", async () => {
    const baselineOnly = { experiments: [holdout(0, 1)] };
    await cdn.set(name, learningCatalog(baselineOnly));
    await cdn.set(`${name}-priors`, await key.sign(priorsJson(certain({}, validateCatalog(learningCatalog(baselineOnly))))));
    const engine = await tab();
    // Without personalization consent the device is in the contextual arm, which learns.
    expect(ok(await engine.decide('home-hero', { limit: 1 }))[0]).toMatchObject({ id: 'trail-10', arm: 'contextual' });
    ok(await engine.setConsent(decided({ personalization: true })));
    const baseline = ok(await engine.decide('home-hero', { limit: 4 }));
    expect(baseline.map((d) => [d.id, d.arm])).toEqual([
      ['yoga-mat', 'baseline'],
      ['gift-card', 'baseline'],
      ['trail-10', 'baseline'],
      ['vitamins', 'baseline'],
    ]);
    expect(baseline.every((d) => !d.reasons.includes('Popular in this shop'))).toBe(true);
  });
});
