// @vitest-environment node
// The engine needs no DOM: Node gives it fetch, BroadcastChannel and WebCrypto as a Worker would.
import { describe, expect, it, vi } from 'vitest';
import '../../worker/decide-entry';
import '../../worker/signature-entry';
import { createEngine } from '../../worker/engine';
import type { TrackEvent } from '../../src/protocol/events';
import { decided, ok } from './replies';
import { engineTabs } from './engine-tabs';
import { testCatalog } from '../fixtures/catalog';

const tabs = engineTabs('decide');
const tab = (options?: Record<string, unknown>) => tabs.open(options);

const ALL = decided({ functional: true, personalization: true, measurement: true });

const view = (category: string): TrackEvent => ({ type: 'product_view', at: Date.now(), payload: { sku: `${category}-1`, category } });

describe('decide in the engine', () => {
  it('fetches the catalog and ranks contextually before any consent', async () => {
    const { engine } = await tab();
    const d = ok(await engine.decide('home-hero', { limit: 2 }));
    expect(d.map((x) => x.id)).toEqual(['yoga-mat', 'gift-card']);
    expect(d[0]).toMatchObject({ arm: 'contextual', slot: 'home-hero', variant: 'default', reasons: ['Featured by the shop'] });
  });

  it('personalizes once the shopper allows it', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(ALL));
    ok(await engine.track([view('trail-running'), view('trail-running'), view('trail-running')]));
    const [top] = ok(await engine.decide('home-hero', { limit: 1 }));
    expect(top).toMatchObject({ id: 'trail-10', arm: 'personalized', reasons: ['Because you looked at trail running shoes this week'] });
  });

  it("takes another tab's signals into the profile it keeps in memory", async () => {
    const a = await tab();
    const b = await tab();
    ok(await a.engine.setConsent(ALL));
    await vi.waitFor(async () => expect(ok(await b.engine.exportData()).stores.meta).toContainEqual({ key: 'consent', value: ALL }));
    ok(await a.engine.track([view('yoga'), view('yoga'), view('yoga')]));
    expect(ok(await a.engine.decide('home-hero', { limit: 1 }))[0]).toMatchObject({ id: 'yoga-mat', arm: 'personalized' });
    // Tab a now holds the profile in memory; tab b's signals reach it through the tabs' channel.
    ok(await b.engine.track(Array.from({ length: 6 }, () => view('trail-running'))));
    await vi.waitFor(async () => expect(ok(await a.engine.decide('home-hero', { limit: 1 }))[0]).toMatchObject({ id: 'trail-10' }));
  });

  it('refuses a bad slot or limit with a message naming it', async () => {
    const { engine } = await tab();
    expect(await engine.decide('', undefined)).toMatchObject({ ok: false, error: { code: 'invalid-payload', message: expect.stringContaining('decide.slot') } });
    expect(await engine.decide('home-hero', { limit: 50 })).toMatchObject({ ok: false, error: { message: expect.stringContaining('decide.limit') } });
  });

  it('says so when there is no catalog to decide from', async () => {
    const engine = tabs.closeAfter(createEngine());
    ok(await engine.init({ siteId: tabs.site }, () => undefined));
    expect(await engine.decide('home-hero', undefined)).toMatchObject({ ok: false, error: { code: 'catalog-unavailable', message: 'no catalogUrl option' } });
  });
});

describe('catalog delivery', () => {
  it('revalidates with the ETag and caches the catalog for offline use', async () => {
    const first = await tab();
    ok(await first.engine.setConsent(ALL));
    ok(await first.engine.decide('home-hero', undefined));
    expect(tabs.cdn.hits(tabs.site)).toEqual({ ok: 1, notModified: 0 });
    ok(await first.engine.close());

    // A page that asks for no offer fetches nothing; one that does, past the refresh age, revalidates.
    const second = await tab();
    expect(second.hello.catalogVersion).toBe('2026-11-22.1');
    ok(await second.engine.exportData());
    expect(tabs.cdn.hits(tabs.site)).toEqual({ ok: 1, notModified: 0 });
    ok(await second.engine.decide('home-hero', undefined));
    expect(tabs.cdn.hits(tabs.site)).toEqual({ ok: 1, notModified: 0 });
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 10 * 60_000);
    ok(await second.engine.decide('home-hero', undefined));
    vi.restoreAllMocks();
    await vi.waitFor(() => expect(tabs.cdn.hits(tabs.site)).toEqual({ ok: 1, notModified: 1 }));

    // The CDN is gone: the cached catalog still serves.
    const third = await tab({ catalogUrl: `${tabs.cdn.base}/c/nowhere` });
    expect(ok(await third.engine.decide('home-hero', { limit: 1 })).map((x) => x.id)).toEqual(['yoga-mat']);
  });

  it('refuses an invalid catalog whole, keeps serving the last good one, and says why', async () => {
    const { engine, events } = await tab();
    ok(await engine.decide('home-hero', undefined));
    const broken = testCatalog({ version: '2026-11-23.1' });
    (broken.offers[1] as Record<string, unknown>).caps = { perDay: -1 };
    tabs.cdn.set(tabs.site, broken);
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 10 * 60_000); // past the refresh age
    ok(await engine.decide('home-hero', undefined));
    await vi.waitFor(() => expect(events.filter((e) => e.type === 'catalog' && e.error)).toHaveLength(1));
    vi.restoreAllMocks();
    expect(events.at(-1)).toEqual({ type: 'catalog', version: '2026-11-22.1', error: 'offers[1] (yoga-mat).caps.perDay: expected a positive integer' });
    expect(ok(await engine.decide('home-hero', { limit: 1 }))[0]!.id).toBe('yoga-mat');
  });

  it('refuses a catalog for another site', async () => {
    tabs.cdn.set(tabs.site, testCatalog({ siteId: 'other-shop' }));
    const { engine } = await tab();
    expect(await engine.decide('home-hero', undefined)).toMatchObject({
      ok: false,
      error: { code: 'catalog-unavailable', message: `siteId: expected "${tabs.site}" (the SDK's siteId), got "other-shop"` },
    });
  });
});

describe('signed catalogs', () => {
  async function keys() {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const publicJwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const spki = Buffer.from(await crypto.subtle.exportKey('spki', pair.publicKey)).toString('base64');
    const sign = async (text: string) => Buffer.from(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, new TextEncoder().encode(text))).toString('base64');
    return { publicJwk, spki, sign };
  }

  it('accepts a catalog signed with the configured key (JWK or SPKI)', async () => {
    const k = await keys();
    const signed = JSON.stringify(testCatalog({ siteId: tabs.site }));
    tabs.cdn.set(tabs.site, { signed, signature: await k.sign(signed) });
    for (const catalogKey of [k.publicJwk, k.spki]) {
      const { engine } = await tab({ catalogKey });
      expect(ok(await engine.decide('home-hero', { limit: 1 }))[0]!.id).toBe('yoga-mat');
    }
  });

  it('refuses a tampered, unsigned or wrongly signed catalog', async () => {
    const k = await keys();
    const other = await keys();
    const signed = JSON.stringify(testCatalog({ siteId: tabs.site }));
    const cases = [
      [{ signed: signed.replace('"priority":20', '"priority":99'), signature: await k.sign(signed) }, 'the signature does not match'],
      [testCatalog(), 'expected a signed catalog'],
      [{ signed, signature: await other.sign(signed) }, 'the signature does not match'],
    ] as const;
    for (const [doc, message] of cases) {
      tabs.cdn.set(tabs.site, doc);
      const { engine } = await tab({ catalogKey: k.publicJwk });
      expect(await engine.decide('home-hero', undefined)).toMatchObject({ ok: false, error: { code: 'catalog-unavailable', message: expect.stringContaining(message) } });
    }
  });
});

describe('exposures', () => {
  const impression = (offer: string) => ({ offer, variant: 'default', arm: 'contextual' as const, slot: 'home-hero', kind: 'impression' as const });

  it('caps hold across tabs', async () => {
    const a = await tab();
    const b = await tab();
    ok(await a.engine.setConsent(decided({ functional: true })));
    const d = ok(await b.engine.decide('home-hero', undefined));
    expect(d.map((x) => x.id)).toContain('trail-10');
    for (let i = 0; i < 3; i++) ok(await a.engine.exposure(impression('trail-10')));
    await vi.waitFor(async () => expect(ok(await b.engine.decide('home-hero', undefined)).map((x) => x.id)).not.toContain('trail-10'));
  });

  it('caps survive a restart when exposures may be kept', async () => {
    const first = await tab();
    ok(await first.engine.setConsent(decided({ measurement: true })));
    ok(await first.engine.decide('home-hero', undefined));
    for (let i = 0; i < 3; i++) ok(await first.engine.exposure(impression('trail-10')));
    ok(await first.engine.close());
    const second = await tab();
    expect(ok(await second.engine.decide('home-hero', undefined)).map((x) => x.id)).not.toContain('trail-10');
  });

  it('a dismissal takes the offer out of the stored decision the next page paints first', async () => {
    const first = await tab();
    ok(await first.engine.setConsent(ALL));
    ok(await first.engine.decide('home-hero', undefined));
    ok(await first.engine.exposure({ ...impression('yoga-mat'), kind: 'dismiss' }));
    ok(await first.engine.close());
    const second = await tab();
    expect(ok(await second.engine.cachedDecision('home-hero'))!.map((x) => x.id)).toEqual(['gift-card', 'trail-10']);
  });

  it('credits a purchase soon after a click to the offer, on the device', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(ALL));
    ok(await engine.decide('home-hero', undefined));
    ok(await engine.exposure({ ...impression('trail-10'), kind: 'click' }));
    ok(await engine.track([{ type: 'purchase', at: Date.now(), payload: { items: [{ sku: 'TR-1', category: 'trail-running', price: 89.9, qty: 1 }], total: 89.9, currency: 'EUR' } }]));
    const stored = ok(await engine.exportData()).stores.exposures as { kind: string; offer: string; value?: number }[];
    expect(stored.filter((e) => e.kind === 'conversion')).toEqual([expect.objectContaining({ offer: 'trail-10', value: 8990 })]);
  });

  it('keeps exposures in memory only without functional or measurement consent, and erases them on withdrawal', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(decided({ personalization: true })));
    ok(await engine.exposure(impression('trail-10')));
    expect(ok(await engine.exportData()).stores.exposures).toEqual([]);
    ok(await engine.setConsent(decided({ functional: true })));
    ok(await engine.exposure(impression('trail-10')));
    expect(ok(await engine.exportData()).stores.exposures).toHaveLength(1);
    ok(await engine.setConsent(decided({})));
    expect(ok(await engine.exportData()).stores.exposures).toEqual([]);
  });
});

describe('the shopper edits their interests', () => {
  it('lists, mutes and states interests; muted ones leave the profile and the signals', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(ALL));
    ok(await engine.track([view('trail-running'), view('trail-running'), view('yoga')]));
    ok(await engine.decide('home-hero', undefined));
    expect(ok(await engine.interests()).map((i) => [i.category, i.source])).toEqual([
      ['trail-running', 'browsing'],
      ['yoga', 'browsing'],
    ]);
    expect(ok(await engine.interests())[0]!.label).toBe('trail running shoes');

    ok(await engine.mute('trail-running'));
    const data = ok(await engine.exportData());
    expect(JSON.stringify(data.stores.signals)).not.toContain('trail-running');
    expect(JSON.stringify(data.stores.profile)).not.toContain('trail-running');
    expect(ok(await engine.interests()).map((i) => [i.category, i.source])).toEqual([
      ['yoga', 'browsing'],
      ['trail-running', 'muted'],
    ]);
    // New browsing of a muted category does not bring it back.
    ok(await engine.track([view('trail-running')]));
    expect(ok(await engine.decide('home-hero', undefined)).map((x) => x.id)).not.toContain('trail-10');

    ok(await engine.prefer('trail-running'));
    expect(ok(await engine.interests()).find((i) => i.category === 'trail-running')!.source).toBe('stated');
    const [top] = ok(await engine.decide('home-hero', { limit: 1 }));
    expect(top!.reasons[0]).toBe('Because you told us you like trail running shoes');
  });

  it('needs personalization to state an interest', async () => {
    const { engine } = await tab();
    ok(await engine.setConsent(decided({ functional: true })));
    expect(await engine.prefer('yoga')).toMatchObject({ ok: false, error: { code: 'consent-required' } });
  });

  it('keeps the device seed, and so the holdout bucket, across restarts', async () => {
    const seeds = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      const { engine } = await tab();
      if (i === 0) ok(await engine.setConsent(ALL));
      const meta = ok(await engine.exportData()).stores.meta as { key: string; value: unknown }[];
      seeds.add(meta.find((m) => m.key === 'seed')?.value);
      ok(await engine.close());
    }
    expect(seeds.size).toBe(1);
    expect(typeof [...seeds][0]).toBe('number');
  });
});
