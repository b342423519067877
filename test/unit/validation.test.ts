import { describe, expect, it } from 'vitest';
import { validateTrack, TRACK_TYPES } from '../../src/protocol/events';
import { validateCartOp, validateCartItem } from '../../src/protocol/cart';
import { resolveOptions } from '../../src/protocol/options';
import { VitrineError, isVitrineError, toErrorData } from '../../src/protocol/errors';

const AT = 1_700_000_000_000;

describe('track payload validation', () => {
  it('accepts every documented event type with its contract fields', () => {
    const payloads = {
      page_view: { path: '/c/trail', category: 'trail-running' },
      product_view: { sku: 'TR-1', category: 'trail-running', name: 'Trail shoe', brand: 'Peak', price: 89.5, currency: 'EUR' },
      category_view: { category: 'trail-running' },
      search: { query: 'waterproof jacket' },
      add_to_cart: { sku: 'TR-1', category: 'trail-running', price: 89.5 },
      remove_from_cart: { sku: 'TR-1', category: 'trail-running' },
      purchase: { orderId: 'A-1', items: [{ sku: 'TR-1', category: 'trail-running', price: 89.5, qty: 2 }], total: 179, currency: 'EUR' },
      offer_click: { offer: 'trail-10', variant: 'b', slot: 'home-hero' },
    };
    for (const type of TRACK_TYPES) {
      const event = validateTrack(type, payloads[type], AT);
      expect(event).toEqual({ type, at: AT, payload: payloads[type] });
    }
  });

  it('accepts a page_view without payload', () => {
    expect(validateTrack('page_view', undefined, AT).payload).toEqual({});
  });

  it.each([
    ['product_view', { category: 'x' }, 'product_view.sku: expected a non-empty string'],
    ['product_view', { sku: 'a', category: 'x', price: -1 }, 'product_view.price: expected a finite number'],
    ['product_view', { sku: 'a', category: 'x', price: Number.NaN }, 'product_view.price'],
    ['product_view', { sku: 'a', category: 'x', colour: 'red' }, 'product_view.colour: unknown field'],
    ['add_to_cart', { sku: 'a', category: 'x', currency: 'euro' }, 'add_to_cart.currency: expected a three-letter ISO 4217 code'],
    ['search', { query: '' }, 'search.query'],
    ['category_view', null, 'category_view: expected an object'],
    ['purchase', { items: [{ sku: 'a', category: 'x', price: 1, qty: 0 }], total: 1, currency: 'EUR' }, 'purchase.items[0].qty: expected a whole number from 1 to 10000'],
    ['purchase', { items: [], total: 1 }, 'purchase.currency'],
    ['purchase', { items: 'nope', total: 1, currency: 'EUR' }, 'purchase.items: expected an array'],
  ])('rejects %s %j naming the field', (type, payload, message) => {
    expect(() => validateTrack(type, payload, AT)).toThrow(message);
  });

  it('rejects unknown event types with the list of known ones', () => {
    expect(() => validateTrack('product_click', {}, AT)).toThrow(/unknown event type "product_click"; expected one of page_view, product_view/);
  });

  it('refuses a __proto__ key smuggled in by JSON', () => {
    const payload = JSON.parse('{"sku":"a","category":"x","__proto__":{"polluted":true}}');
    expect(() => validateTrack('product_view', payload, AT)).toThrow('product_view.__proto__: unknown field');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throws VitrineError with the invalid-payload code', () => {
    expect(() => validateTrack('search', {}, AT)).toThrow(expect.objectContaining({ name: 'VitrineError', code: 'invalid-payload' }));
    expect(() => validateTrack('search', {}, AT)).toThrow(VitrineError);
  });
});

describe('cart validation', () => {
  it('keeps only the contract fields of an item', () => {
    expect(validateCartItem({ sku: 'A', qty: 2, price: 10, name: 'Sock', category: 'socks', currency: 'EUR' })).toEqual({
      sku: 'A',
      qty: 2,
      price: 10,
      name: 'Sock',
      category: 'socks',
      currency: 'EUR',
    });
  });

  it.each([
    [{ kind: 'add', item: { sku: 'A', qty: 1.5, price: 1 } }, 'cart.add(item).qty: expected a whole number'],
    [{ kind: 'add', item: { sku: 'A', qty: 1 } }, 'cart.add(item).price'],
    [{ kind: 'update', sku: 'A', qty: -1 }, 'cart.update.qty: expected a whole number from 0 to 10000'],
    [{ kind: 'update', sku: '', qty: 1 }, 'cart.update.sku: expected a non-empty string'],
    [{ kind: 'revalidate', current: { A: { price: 3 } } }, 'fetchCurrent()["A"].available'],
    [{ kind: 'revalidate', current: [] }, 'fetchCurrent(): expected an object'],
    [{ kind: 'explode' }, 'cart: unknown change'],
  ])('rejects %j', (op, message) => {
    expect(() => validateCartOp(op)).toThrow(message);
  });
});

describe('options', () => {
  it('fills in the documented defaults', () => {
    const o = resolveOptions({ siteId: 'demo-shop' });
    expect(o.retention).toEqual({ maxSignals: 1000, maxAgeDays: 30 });
    expect(o.cartTtlDays).toBe(30);
    expect(o.reportWindow).toBe(86_400_000);
    expect(o.engine).toBe('auto');
    expect(o.consent).toEqual({ source: 'manual', categories: {}, vendorId: undefined, waitMs: 10_000 });
  });

  it.each([
    [{}, 'options.siteId'],
    [{ siteId: 'a b' }, 'options.siteId'],
    [{ siteID: 'a' }, 'options.siteID: unknown field; did you mean siteId?'],
    // A typo that may have meant an option protecting the shopper, or one inside an option, is refused: nothing runs on a guess.
    [{ siteId: 'a', reportnoise: { epsilon: 1 } }, 'options.reportnoise: unknown field; did you mean reportNoise?'],
    [{ siteId: 'a', retention: { maxAgeDay: 7 } }, 'options.retention.maxAgeDay: unknown field; did you mean maxAgeDays?'],
    [{ siteId: 'a', consent: { source: 'onetrust', categories: { personalisation: 'C0007' } } }, 'options.consent.categories.personalisation: unknown field; did you mean personalization?'],
    [{ siteId: 'a', retention: { maxSignals: 0 } }, 'options.retention.maxSignals: expected a whole number from 1'],
    [{ siteId: 'a', engine: 'turbo' }, 'options.engine'],
    [{ siteId: 'a', consent: { source: 'carrier-pigeon' } }, 'options.consent.source: expected "manual", "auto", "tcf"'],
    [{ siteId: 'a', consent: { source: 'onetrust', categories: { personalization: [] } } }, 'options.consent.categories.personalization: expected a name or a list of names'],
    [{ siteId: 'a', consent: { source: 'tcf', vendorId: 0 } }, 'options.consent.vendorId: expected a positive integer'],
  ])('rejects %j naming the option', (input, message) => {
    expect(() => resolveOptions(input)).toThrow(message);
  });

  it('warns of an unknown option, naming the closest known one, and resolves the rest', () => {
    const o = resolveOptions({ siteId: 'a', collectorURL: '/c', catalogURL: '/x', trackBatch: 3 });
    expect(o.warnings).toEqual(['options.collectorURL: unknown field; did you mean collectorUrl?', 'options.catalogURL: unknown field; did you mean catalogUrl?', 'options.trackBatch: unknown field']);
    expect(o).toMatchObject({ siteId: 'a', collectorUrl: undefined, catalogUrl: undefined, trackBatchSize: 64 });
    expect(resolveOptions({ siteId: 'a' }).warnings).toEqual([]);
  });
});

describe('plain objects', () => {
  it('accepts objects from another realm and refuses class instances', async () => {
    const { isPlainObject } = await import('../../src/protocol/validate');
    const { runInNewContext } = await import('node:vm');
    expect(isPlainObject(runInNewContext('({ a: 1 })'))).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject(new Date())).toBe(false);
    expect(isPlainObject(new (class Item {})())).toBe(false);
    expect(isPlainObject([])).toBe(false);
  });
});

describe('errors across bundles', () => {
  /** What another bundle's copy of the class makes: same name and code, another class. */
  class CopiedError extends Error {
    constructor(
      readonly code: string,
      message: string,
    ) {
      super(message);
      this.name = 'VitrineError';
    }
  }

  it('recognises an SDK error made by another bundle by its name and code, and keeps its code', () => {
    const copied = new CopiedError('invalid-payload', 'decide.slot: expected a slot id');
    expect(isVitrineError(copied)).toBe(true);
    expect(copied instanceof VitrineError).toBe(true);
    expect(toErrorData(copied, 'engine-failed')).toEqual({ code: 'invalid-payload', message: 'decide.slot: expected a slot id' });
  });

  it('does not take another error for an SDK error', () => {
    for (const other of [new TypeError('x is not a function'), Object.assign(new Error('m'), { code: 'invalid-payload' }), { name: 'VitrineError' }, null, 'invalid-payload']) {
      expect(isVitrineError(other)).toBe(false);
      expect(other instanceof VitrineError).toBe(false);
    }
    expect(toErrorData(new TypeError('x is not a function'), 'engine-failed')).toEqual({ code: 'engine-failed', message: 'TypeError: x is not a function' });
  });
});
