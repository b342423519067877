import { describe, expect, it } from 'vitest';
import { decayed, HALF_LIFE_MS, MAX_INTERESTS, priceBand, topCategories, updateProfile } from '../../worker/profile';
import type { TrackEvent } from '../../src/protocol/events';

const T = 1_700_000_000_000;
const view = (category: string, at: number, price?: number, brand?: string): TrackEvent => ({
  type: 'product_view',
  at,
  payload: { sku: `${category}-1`, category, ...(price ? { price } : {}), ...(brand ? { brand } : {}) },
});

describe('profile', () => {
  it('ranks the categories a shopper keeps coming back to first', () => {
    const p = updateProfile(undefined, [view('running', T), view('running', T + 1), view('yoga', T + 2)]);
    expect(topCategories(p, T + 2).map((x) => x.category)).toEqual(['running', 'yoga']);
  });

  it('lets an interest fade by half over one half-life', () => {
    const p = updateProfile(undefined, [view('running', T)]);
    expect(decayed(p.categories.running, T)).toBeCloseTo(1);
    expect(decayed(p.categories.running, T + HALF_LIFE_MS)).toBeCloseTo(0.5);
  });

  it('counts a cart addition more than a view and a removal against', () => {
    const add: TrackEvent = { type: 'add_to_cart', at: T, payload: { sku: 'a', category: 'yoga' } };
    const rm: TrackEvent = { type: 'remove_from_cart', at: T, payload: { sku: 'a', category: 'yoga' } };
    expect(decayed(updateProfile(undefined, [add]).categories.yoga, T)).toBe(3);
    expect(decayed(updateProfile(undefined, [add, rm]).categories.yoga, T)).toBe(2);
  });

  it('updates incrementally: two batches give the profile of one', () => {
    const events = [view('a', T, 10, 'X'), view('b', T + 1000, 100), view('a', T + 2000, 20)];
    const once = updateProfile(undefined, events);
    const twice = updateProfile(updateProfile(undefined, events.slice(0, 1)), events.slice(1));
    expect(twice.categories).toEqual(once.categories);
    expect(twice.price!.mean).toBeCloseTo(once.price!.mean);
    expect(twice.price!.variance).toBeCloseTo(once.price!.variance);
  });

  it('keeps the price band around what the shopper looks at', () => {
    const p = updateProfile(undefined, [view('a', T, 50), view('a', T, 80), view('a', T, 120)]);
    const band = priceBand(p)!;
    expect(band.low).toBeGreaterThan(40);
    expect(band.high).toBeLessThan(130);
    expect(band.low).toBeLessThan(80);
    expect(band.high).toBeGreaterThan(80);
  });

  it('counts visits separated by half an hour of silence', () => {
    const p = updateProfile(undefined, [view('a', T), view('a', T + 60_000), view('a', T + 31 * 60_000 + 60_000)]);
    expect(p.visits).toBe(2);
    expect(p.events).toBe(3);
  });

  it('records purchases per category for replenishment and never keeps search terms', () => {
    const p = updateProfile(undefined, [
      { type: 'search', at: T, payload: { query: 'very private thing' } },
      { type: 'purchase', at: T + 1, payload: { items: [{ sku: 'c', category: 'coffee', price: 12, qty: 1 }], total: 12, currency: 'EUR' } },
    ]);
    expect(p.purchases).toEqual({ coffee: T + 1 });
    expect(JSON.stringify(p)).not.toContain('private');
  });

  it('stays bounded however many categories are seen', () => {
    const events = Array.from({ length: MAX_INTERESTS + 50 }, (_, i) => view(`c${i}`, T + i));
    expect(Object.keys(updateProfile(undefined, events).categories)).toHaveLength(MAX_INTERESTS);
  });

  it('remembers purchases in the latest MAX_INTERESTS categories only', () => {
    const bought = (i: number): TrackEvent => ({ type: 'purchase', at: T + i, payload: { items: [{ sku: `s${i}`, category: `c${i}`, price: 5, qty: 1 }], total: 5, currency: 'EUR' } });
    const p = updateProfile(
      undefined,
      Array.from({ length: MAX_INTERESTS + 50 }, (_, i) => bought(i)),
    );
    expect(Object.keys(p.purchases)).toHaveLength(MAX_INTERESTS);
    expect(p.purchases).not.toHaveProperty('c49');
    expect(p.purchases).toHaveProperty('c50', T + 50);
  });
});
