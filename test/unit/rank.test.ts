import { describe, expect, it } from 'vitest';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { compileCatalog } from '../../worker/decide/compile';
import { rank } from '../../worker/decide/rank';
import { explain, scoreSlot } from '../../worker/decide/score';
import { generator } from '../../worker/random';
import { assignArm } from '../../worker/arm';
import { personalView, type RankInput } from '../../worker/decide/features';
import { ExposureLog } from '../../worker/exposures';
import { updateProfile, withStated, type Profile } from '../../worker/profile';
import type { TrackEvent } from '../../src/protocol/events';
import { testCatalog, holdout } from '../fixtures/catalog';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const DAY = 86_400_000;
const SEED = 12345;

const view = (category: string, at = NOW - 60_000): TrackEvent => ({ type: 'product_view', at, payload: { sku: `${category}-1`, category } });

function input(profile: Profile | null, extra: Partial<RankInput> = {}, muted = new Set<string>()): RankInput {
  return {
    now: NOW,
    personal: profile ? personalView(profile, NOW, muted) : null,
    cart: { categories: new Set(), value: 0 },
    page: {},
    muted,
    learned: null,
    ...extra,
  };
}

function decide(doc: unknown, slot: string, inp: RankInput, log = new ExposureLog(), limit = 4, seed = SEED) {
  return rank(compileCatalog(validateCatalog(doc)), slot, limit, inp, log, seed, 0);
}

const browsedTrail = () => updateProfile(undefined, [view('trail-running'), view('trail-running'), view('trail-running')]);

describe('ranking', () => {
  it('gives the slate of an exhaustive scoring, though most offers of a large slot skip their price fit', () => {
    const random = generator(99);
    const offers = Array.from({ length: 400 }, (_, i) => ({
      id: `o${i}`,
      slot: 's',
      categories: [`c${Math.floor(random() * 20)}`],
      price: Math.round(5 + random() * 400),
      content: { title: `Offer ${i}` },
      priority: Math.floor(random() * 50),
      weights: { affinity: random() * 3, recency: random(), cartMatch: 1, pageMatch: 1, priceFit: random() * 3 - 1 },
    }));
    const browsing = Array.from({ length: 30 }, (_, i): TrackEvent => ({ type: 'product_view', at: NOW - i * 3_600_000, payload: { sku: `s${i}`, category: `c${i % 10}`, price: 40 + (i % 7) * 5 } }));
    const shopper = input(updateProfile(undefined, browsing), { cart: { categories: new Set(['c3']), value: 20 }, page: { category: 'c5' } });
    const catalog = testCatalog({ settings: { exploration: 0, diversity: 0 }, offers });
    const compiled = compileCatalog(validateCatalog(catalog));
    const slot = compiled.bySlot.get('s')!;
    const exhaustive = slot.offers
      .map((_, i) => ({ i, score: explain(slot, i, Number.NaN, shopper, true).score }))
      .sort((a, b) => b.score - a.score || slot.offers[b.i]!.priority - slot.offers[a.i]!.priority || slot.catalogIndex[a.i]! - slot.catalogIndex[b.i]!);
    const slate = rank(compiled, 's', 5, shopper, new ExposureLog(), SEED, 0);
    expect(slate.every((d) => d.arm === 'personalized')).toBe(true);
    expect(slate.map((d) => [d.id, d.score])).toEqual(exhaustive.slice(0, 5).map(({ i, score }) => [slot.offers[i]!.id, Math.round(score * 1000) / 1000]));
    // Offers that exploration picks from below the pool get their whole score too.
    const explored = rank(compileCatalog(validateCatalog({ ...catalog, settings: { exploration: 1, diversity: 0 } })), 's', 5, shopper, new ExposureLog(), SEED, 0);
    const exact = new Map(exhaustive.map(({ i, score }) => [slot.offers[i]!.id, Math.round(score * 1000) / 1000]));
    expect(explored.filter((d) => d.explored).length).toBeGreaterThan(0);
    for (const d of explored) expect(d.score).toBe(exact.get(d.id));
  });

  it('scores only the offers that can still enter the pool, and gives the exhaustive slate with muted categories, a page SKU and learned values', () => {
    const random = generator(7);
    const offers = Array.from({ length: 600 }, (_, i) => ({
      id: `o${i}`,
      slot: 's',
      categories: [`c${i % 13}`, `c${(i * 5) % 17}`],
      price: Math.round(5 + random() * 300),
      skus: i % 97 === 0 ? ['page-sku'] : [],
      content: { title: `Offer ${i}` },
      priority: Math.floor(random() * 100),
      weights: { affinity: 1 + (i % 3), recency: random(), cartMatch: random() * 2 - 0.5, pageMatch: 1, priceFit: random() * 4, learned: random() * 2 },
    }));
    const browsing = Array.from({ length: 40 }, (_, i): TrackEvent => ({ type: 'product_view', at: NOW - i * 7_200_000, payload: { sku: `s${i}`, category: `c${i % 11}`, price: 30 + (i % 9) * 4 } }));
    const muted = new Set(['c4', 'c9']);
    const learned = { version: 'v', variants: new Map<string, string>(), values: new Map(offers.map((o, i) => [o.id, (i % 10) / 10])) };
    const shopper = input(updateProfile(undefined, browsing), { cart: { categories: new Set(['c2']), value: 20 }, page: { category: 'c6', sku: 'page-sku' }, learned }, muted);
    const compiled = compileCatalog(validateCatalog(testCatalog({ settings: { exploration: 0, diversity: 0 }, offers })));
    const slot = compiled.bySlot.get('s')!;
    const exhaustive = slot.offers
      .map((offer, i) => ({ i, offer, score: explain(slot, i, Number.NaN, shopper, true).score }))
      .filter(({ offer }) => !offer.categories.some((c) => muted.has(c)))
      .sort((a, b) => b.score - a.score || b.offer.priority - a.offer.priority || slot.catalogIndex[a.i]! - slot.catalogIndex[b.i]!);
    const { scores, pool, eligible } = scoreSlot(compiled, slot, shopper, new ExposureLog(), true, 10);
    expect(pool).toEqual(exhaustive.slice(0, 10).map(({ i }) => i));
    for (const i of pool) expect(scores[i]).toBeCloseTo(exhaustive.find((e) => e.i === i)!.score, 9);
    expect([...eligible]).toEqual(exhaustive.map(({ i }) => i).sort((a, b) => a - b));
    // Most offers never got a score: their highest possible one could not enter the pool.
    expect([...eligible].filter((i) => Number.isNaN(scores[i])).length).toBeGreaterThan(eligible.length / 2);
  });

  it('finds the offers that fit the price band best even when they come last in the catalog', () => {
    // Alike but for their price: only the fit tells them apart, and the fitting ones come last.
    const offers = Array.from({ length: 100 }, (_, i) => ({
      id: `o${i}`,
      slot: 's',
      categories: ['c0'],
      price: i < 90 ? 1000 + i : 45,
      content: { title: `Offer ${i}` },
      priority: 10,
      weights: { priceFit: 2 },
    }));
    const browsing = Array.from({ length: 10 }, (_, i): TrackEvent => ({ type: 'product_view', at: NOW - i * 60_000, payload: { sku: `s${i}`, category: 'c0', price: 40 + i } }));
    const slate = decide(testCatalog({ settings: { exploration: 0, diversity: 0 }, offers }), 's', input(updateProfile(undefined, browsing)), new ExposureLog(), 3);
    expect(slate.map((d) => d.id)).toEqual(['o90', 'o91', 'o92']);
  });

  it('without a profile ranks by priority, and says the shop features it', () => {
    const d = decide(testCatalog(), 'home-hero', input(null));
    expect(d.map((x) => x.id)).toEqual(['yoga-mat', 'gift-card', 'trail-10', 'vitamins']);
    expect(d.every((x) => x.arm === 'contextual')).toBe(true);
    expect(d[0]!.reasons).toEqual(['Featured by the shop']);
  });

  it('after browsing trail running shoes, the trail offer rises and the reason says why', () => {
    const d = decide(testCatalog(), 'home-hero', input(browsedTrail()));
    expect(d[0]!.id).toBe('trail-10');
    expect(d[0]!.arm).toBe('personalized');
    expect(d[0]!.reasons[0]).toBe('Because you looked at trail running shoes this week');
  });

  it('says "recently" for interests older than a week', () => {
    const p = updateProfile(
      undefined,
      Array.from({ length: 6 }, () => view('trail-running', NOW - 9 * DAY)),
    );
    expect(decide(testCatalog(), 'home-hero', input(p))[0]!.reasons[0]).toBe('Because you looked at trail running shoes recently');
  });

  it('a muted category disappears from the offers and from every reason', () => {
    const muted = new Set(['trail-running']);
    const d = decide(testCatalog(), 'home-hero', input(browsedTrail(), {}, muted));
    expect(d.map((x) => x.id)).not.toContain('trail-10');
    expect(JSON.stringify(d)).not.toMatch(/trail/i);
  });

  it('ranks a sensitive offer on context only: browsing never lifts it nor shows in its reasons', () => {
    const healthy = updateProfile(
      undefined,
      Array.from({ length: 10 }, () => view('health')),
    );
    const d = decide(testCatalog(), 'home-hero', input(healthy));
    const vitamins = d.find((x) => x.id === 'vitamins')!;
    expect(d.at(-1)!.id).toBe('vitamins');
    expect(vitamins.reasons.join(' ')).not.toMatch(/looked at|told us|prices/);
    const onPage = decide(testCatalog(), 'home-hero', input(healthy, { page: { category: 'health' } }));
    expect(onPage.find((x) => x.id === 'vitamins')!.reasons).toEqual(['Because you are looking at health']);
  });

  it('an interest the shopper states counts like browsing, and the reason says so', () => {
    const p = withStated(undefined, 'yoga', NOW - 1000);
    const d = decide(testCatalog({ offers: testCatalog().offers.map((o) => ({ ...o, priority: 0 })) }), 'home-hero', input(p));
    expect(d[0]!.id).toBe('yoga-mat');
    expect(d[0]!.reasons[0]).toBe('Because you told us you like yoga');
  });

  it('uses the cart and the page as context without any profile', () => {
    const cart = { categories: new Set(['trail-running']), value: 40 };
    const d = decide(testCatalog(), 'home-hero', input(null, { cart }));
    expect(d[0]!.id).toBe('trail-10');
    expect(d[0]!.reasons).toEqual(['Because you have trail running shoes in your cart']);
  });
});

describe('eligibility', () => {
  it('offers coffee again only to someone who bought coffee long enough ago', () => {
    const bought = (daysAgo: number) =>
      updateProfile(undefined, [{ type: 'purchase', at: NOW - daysAgo * DAY, payload: { items: [{ sku: 'CF-1', category: 'coffee', price: 12, qty: 1 }], total: 12, currency: 'EUR' } }]);
    expect(decide(testCatalog(), 'cart', input(bought(25))).map((x) => x.id)).toContain('coffee-again');
    expect(decide(testCatalog(), 'cart', input(bought(5))).map((x) => x.id)).not.toContain('coffee-again');
    // Purchase history is personal: without personalization no replenishment offer.
    expect(decide(testCatalog(), 'cart', input(null)).map((x) => x.id)).not.toContain('coffee-again');
  });

  it('checks the cart value, the visitor and the date window', () => {
    expect(decide(testCatalog(), 'cart', input(null, { cart: { categories: new Set(), value: 99 } })).map((x) => x.id)).toEqual([]);
    expect(decide(testCatalog(), 'cart', input(null, { cart: { categories: new Set(), value: 100 } })).map((x) => x.id)).toEqual(['big-basket']);
    const windowed = testCatalog();
    (windowed.offers[3] as Record<string, unknown>).eligibility = { until: '2026-11-23T00:00:00Z' };
    (windowed.offers[1] as Record<string, unknown>).eligibility = { visitor: 'returning' };
    const ids = decide(windowed, 'home-hero', input(null)).map((x) => x.id);
    expect(ids).not.toContain('gift-card');
    expect(ids).not.toContain('yoga-mat');
  });

  it('stops promoting a product once it was bought', () => {
    const doc = testCatalog();
    (doc.offers[0] as Record<string, unknown>).skus = ['TR-1'];
    const bought = updateProfile(browsedTrail(), [
      { type: 'purchase', at: NOW - DAY, payload: { items: [{ sku: 'TR-1', category: 'trail-running', price: 90, qty: 1 }], total: 90, currency: 'EUR' } },
    ]);
    expect(decide(doc, 'home-hero', input(browsedTrail())).map((x) => x.id)).toContain('trail-10');
    expect(decide(doc, 'home-hero', input(bought)).map((x) => x.id)).not.toContain('trail-10');
  });
});

describe('frequency caps', () => {
  const seen = (log: ExposureLog, offer: string, at: number, kind: 'impression' | 'dismiss' = 'impression') => log.add({ offer, variant: 'default', arm: 'personalized', slot: 'home-hero', kind, at });

  it('stop an offer after N impressions a day, and bring it back the next day', () => {
    const log = new ExposureLog();
    for (let i = 0; i < 3; i++) seen(log, 'trail-10', NOW - (i + 1) * 3_600_000);
    expect(decide(testCatalog(), 'home-hero', input(browsedTrail()), log).map((x) => x.id)).not.toContain('trail-10');
    const tomorrow = input(browsedTrail(), { now: NOW + DAY });
    expect(decide(testCatalog(), 'home-hero', tomorrow, log).map((x) => x.id)).toContain('trail-10');
  });

  it('keep a dismissed offer away for its cool-down', () => {
    const log = new ExposureLog();
    seen(log, 'yoga-mat', NOW - 3_600_000, 'dismiss');
    expect(decide(testCatalog(), 'home-hero', input(null), log).map((x) => x.id)).not.toContain('yoga-mat');
    expect(decide(testCatalog(), 'home-hero', input(null, { now: NOW + 72 * 3_600_000 }), log).map((x) => x.id)).toContain('yoga-mat');
  });
});

describe('exploration and diversity', () => {
  it('is fully deterministic with exploration 0', () => {
    const a = decide(testCatalog(), 'home-hero', input(browsedTrail()));
    const b = decide(testCatalog(), 'home-hero', input(browsedTrail()));
    expect(a).toEqual(b);
    expect(a.some((x) => x.explored)).toBe(false);
  });

  it('gives positions to offers the profile would not pick, and says so', () => {
    const many = testCatalog({
      settings: { exploration: 1, diversity: 0 },
      offers: Array.from({ length: 20 }, (_, i) => ({ id: `o${i}`, slot: 's', categories: [`c${i}`], content: { title: `Offer ${i}` }, priority: 20 - i })),
    });
    const d = decide(many, 's', input(browsedTrail()), new ExposureLog(), 3);
    expect(d.filter((x) => x.explored)).toHaveLength(3);
    for (const x of d) {
      expect(Number(x.id.slice(1))).toBeGreaterThanOrEqual(9);
      expect(x.reasons).toEqual(['Something different, to help you discover more of the shop']);
    }
    // The same seed and draw give the same slate; other draws give other slates.
    expect(decide(many, 's', input(browsedTrail()), new ExposureLog(), 3)).toEqual(d);
    const compiled = compileCatalog(validateCatalog(many));
    const slates = new Set(Array.from({ length: 10 }, (_, draw) => JSON.stringify(rank(compiled, 's', 3, input(browsedTrail()), new ExposureLog(), SEED, draw).map((x) => x.id))));
    expect(slates.size).toBeGreaterThan(3);
  });

  it('does not fill a slate with near-duplicates when diversity is on', () => {
    const offers = [
      ...['a', 'b', 'c'].map((x, i) => ({ id: `run-${x}`, slot: 's', categories: ['running'], content: { title: x }, priority: 30 - i })),
      { id: 'yoga', slot: 's', categories: ['yoga'], content: { title: 'y' }, priority: 25 },
    ];
    const plain = decide(testCatalog({ settings: { exploration: 0, diversity: 0 }, offers }), 's', input(null), new ExposureLog(), 2);
    const diverse = decide(testCatalog({ settings: { exploration: 0, diversity: 1 }, offers }), 's', input(null), new ExposureLog(), 2);
    expect(plain.map((x) => x.id)).toEqual(['run-a', 'run-b']);
    expect(diverse.map((x) => x.id)).toEqual(['run-a', 'yoga']);
  });
});

describe('experiments and variants', () => {
  const withHoldout = (personalized: number, baseline: number) => testCatalog({ experiments: [holdout(personalized, baseline)] });

  it('the baseline arm gets the priority order even for a profile that says otherwise', () => {
    const d = decide(withHoldout(0, 100), 'home-hero', input(browsedTrail()));
    expect(d.map((x) => x.id)).toEqual(['yoga-mat', 'gift-card', 'trail-10', 'vitamins']);
    expect(d.every((x) => x.arm === 'baseline')).toBe(true);
  });

  it('buckets devices by their seed, stable and close to the weights', () => {
    const catalog = validateCatalog(withHoldout(90, 10));
    const arms = Array.from({ length: 2000 }, (_, seed) => assignArm(catalog, seed * 7919, true));
    const baseline = arms.filter((a) => a === 'baseline').length / arms.length;
    expect(baseline).toBeGreaterThan(0.07);
    expect(baseline).toBeLessThan(0.13);
    expect(assignArm(catalog, 42, true)).toBe(assignArm(catalog, 42, true));
    expect(assignArm(catalog, 42, false)).toBe('contextual');
  });

  it('picks a content variant per device and keeps it', () => {
    const variants = new Set<string>();
    for (let seed = 1; seed < 200; seed++) {
      const d = decide(testCatalog(), 'home-hero', input(browsedTrail()), new ExposureLog(), 4, seed).find((x) => x.id === 'trail-10')!;
      variants.add(d.variant);
      const again = decide(testCatalog(), 'home-hero', input(browsedTrail()), new ExposureLog(), 4, seed).find((x) => x.id === 'trail-10')!;
      expect(again.variant).toBe(d.variant);
      expect(d.content.title).toBe(d.variant === 'b' ? 'Trail season is here' : '10% off trail shoes');
      expect(d.content.cta).toEqual({ label: 'Shop trail', href: '/c/trail-running' });
    }
    expect([...variants].sort()).toEqual(['b', 'default']);
  });
});
