import { describe, expect, it } from 'vitest';
import { CATALOG_DEFAULTS } from '../../src/protocol/catalog';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { isSafeUrl } from '../../src/protocol/safe-url';
import { testCatalog, holdout } from '../fixtures/catalog';

/** An example catalog in the shape the README documents ("Offers: Catalog v1"): the contract merchants write against. */
const DESIGN_EXAMPLE = {
  version: '2026-11-22.1',
  siteId: 'demo-shop',
  settings: { exploration: 0.1, diversity: 0.3, attributionWindowHours: 24 },
  experiments: [holdout(90, 10)],
  offers: [
    {
      id: 'trail-10',
      slot: 'home-hero',
      categories: ['trail-running'],
      content: { title: '10% off trail shoes', body: '…', image: '/img/trail.svg', cta: { label: 'Shop trail', href: '/c/trail-running' } },
      variants: [{ id: 'b', weight: 50, content: { title: 'Trail season is here' } }],
      eligibility: {
        visitor: 'any',
        cartMinValue: 0,
        cartCategories: [],
        boughtBefore: { categories: [], minDaysAgo: 0 },
        from: '2026-11-01T00:00:00Z',
        until: '2027-01-31T00:00:00Z',
      },
      weights: { affinity: 2.0, recency: 0.5, cartMatch: 1.0, pageMatch: 1.0 },
      caps: { perHour: 2, perDay: 5, perWeek: 15, dismissCooldownHours: 72 },
      sensitive: false,
      priority: 10,
    },
  ],
};

const withOffer = (i: number, patch: Record<string, unknown>) => {
  const c = testCatalog();
  (c.offers as Record<string, unknown>[])[i] = { ...c.offers[i], ...patch };
  return c;
};

describe('Catalog v1', () => {
  it('accepts the example of the design, with defaults filled in', () => {
    const c = validateCatalog(DESIGN_EXAMPLE);
    const offer = c.offers[0]!;
    expect(offer.variants).toEqual([
      { id: 'default', weight: 50, content: {} },
      { id: 'b', weight: 50, content: { title: 'Trail season is here' } },
    ]);
    expect(offer.weights.priceFit).toBe(CATALOG_DEFAULTS.weights.priceFit);
    expect(offer.eligibility.from).toBe(Date.parse('2026-11-01T00:00:00Z'));
    expect(offer.eligibility.boughtBefore).toBeNull();
    expect(c.experiments[0]!.arms.map((a) => a.id)).toEqual(['personalized', 'baseline']);
  });

  it('fills every optional field of a minimal offer with its documented default', () => {
    const c = validateCatalog({ version: '1', siteId: 's', offers: [{ id: 'a', slot: 'x', content: { title: 'A' } }] });
    expect(c.settings).toEqual(CATALOG_DEFAULTS.settings);
    expect(c.offers[0]).toMatchObject({
      categories: [],
      skus: [],
      price: null,
      sensitive: false,
      priority: 0,
      caps: CATALOG_DEFAULTS.caps,
      weights: CATALOG_DEFAULTS.weights,
      eligibility: { visitor: 'any', cartMinValue: 0, cartCategories: [], boughtBefore: null, from: null, until: null },
    });
  });

  it.each([
    [withOffer(3, { caps: { perDay: 0 } }), 'offers[3] (gift-card).caps.perDay: expected a positive integer'],
    [withOffer(3, { caps: { perDay: 2.5 } }), 'offers[3] (gift-card).caps.perDay: expected a positive integer'],
    [withOffer(0, { colour: 'red' }), 'offers[0] (trail-10).colour: unknown field'],
    [withOffer(0, { content: { title: 'x', cta: { label: 'Go', href: 'javascript:alert(1)' } } }), 'offers[0] (trail-10).content.cta.href: expected an http(s) or relative URL'],
    [withOffer(0, { content: { title: 'x', image: 'data:image/svg+xml,<svg onload=alert(1)>' } }), 'offers[0] (trail-10).content.image: expected an http(s) or relative URL'],
    [withOffer(0, { content: { body: 'no title' } }), 'offers[0] (trail-10).content.title: expected a non-empty string'],
    [
      withOffer(0, {
        variants: [
          { id: 'b', weight: 70, content: {} },
          { id: 'c', weight: 40, content: {} },
        ],
      }),
      'offers[0] (trail-10).variants: expected weights that add up to at most 100',
    ],
    [withOffer(0, { variants: [{ id: 'default', weight: 10, content: {} }] }), 'offers[0] (trail-10).variants[0].id: expected an id other than "default"'],
    [withOffer(0, { eligibility: { visitor: 'loyal' } }), 'offers[0] (trail-10).eligibility.visitor'],
    [withOffer(0, { eligibility: { from: '2027-01-01T00:00:00Z', until: '2026-01-01T00:00:00Z' } }), 'offers[0] (trail-10).eligibility.until: expected a date-time after "from"'],
    [withOffer(0, { eligibility: { from: 'next tuesday' } }), 'offers[0] (trail-10).eligibility.from: expected an ISO 8601 date-time'],
    [withOffer(1, { id: 'trail-10' }), 'offers[1].id: expected a unique id; "trail-10" is used twice'],
    [withOffer(2, { eligibility: { boughtBefore: { categories: ['health'], minDaysAgo: 30 } } }), 'offers[2] (vitamins).eligibility.boughtBefore: expected no purchase history on a sensitive offer'],
    [withOffer(1, { catgories: ['yoga'] }), 'offers[1] (yoga-mat).catgories: unknown field; did you mean categories?'],
    [testCatalog({ offers: [{ id: 'a', slot: 'x', contnet: { title: 'A' } }] }), 'offers[0] (a).contnet: unknown field; did you mean content?'],
    [testCatalog({ setings: { exploration: 0 } }), 'setings: unknown field; did you mean settings?'],
    [testCatalog({ settings: { exploration: 2 } }), 'settings.exploration: expected a finite number from 0 to 1'],
    [testCatalog({ experiments: [{ id: 'h', kind: 'personalization-holdout', arms: [{ id: 'personalized', weight: 1 }] }] }), 'experiments[0].arms: expected the two arms'],
    [testCatalog({ experiments: [{ id: 'h', kind: 'multi-armed-bandit', arms: [] }] }), 'experiments[0].kind'],
    [testCatalog({ offers: 'none' }), 'offers: expected an array'],
    [{ ...testCatalog(), version: undefined }, 'version: expected a non-empty string'],
  ])('refuses %#: %s', (doc, message) => {
    expect(() => validateCatalog(doc)).toThrow(message);
    expect(() => validateCatalog(doc)).toThrow(expect.objectContaining({ code: 'catalog-invalid' }));
  });

  it('refuses a __proto__ key instead of merging it', () => {
    const doc = JSON.parse(JSON.stringify(testCatalog()).replace('"priority":10', '"priority":10,"__proto__":{"sensitive":true}'));
    expect(() => validateCatalog(doc)).toThrow('offers[0] (trail-10).__proto__: unknown field');
  });
});

describe('safe URLs', () => {
  it.each(['/c/trail', 'https://cdn.example/x.png', 'http://shop.example/', '//cdn.example/x', 'img/x.png', '?q=1', '#top'])('allows %s', (url) => {
    expect(isSafeUrl(url)).toBe(true);
  });
  it.each(['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,x', 'vbscript:x', 'file:///etc/passwd', 'blob:https://x/y'])(
    'refuses %j',
    (url) => {
      expect(isSafeUrl(url)).toBe(false);
    },
  );
});
