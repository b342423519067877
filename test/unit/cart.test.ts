import { describe, expect, it } from 'vitest';
import { applyCartOp, changedRecord, isExpired, mergeLines, mergeRecords, revalidateLines, toCart, visitCartOf } from '../../src/protocol/cart-rules';
import { validateCartOp, type CartLine } from '../../src/protocol/cart';

const T = 1_700_000_000_000;
const line = (sku: string, qty: number, price: number, updatedAt = T): CartLine => ({ sku, qty, price, updatedAt });

describe('cart changes', () => {
  it('adds to the quantity of an existing line and stamps it', () => {
    const lines = applyCartOp([line('A', 1, 10)], { kind: 'add', item: { sku: 'A', qty: 2, price: 9 } }, T + 5);
    expect(lines).toEqual([{ sku: 'A', qty: 3, price: 9, updatedAt: T + 5 }]);
  });

  it('removes a line when its quantity is set to 0', () => {
    expect(applyCartOp([line('A', 1, 10), line('B', 1, 5)], { kind: 'update', sku: 'A', qty: 0 }, T)).toEqual([line('B', 1, 5)]);
  });

  it('refuses a line beyond the cart limit and leaves the cart as it was', () => {
    const full = Array.from({ length: 200 }, (_, i) => line(`S${i}`, 1, 1));
    expect(() => applyCartOp(full, { kind: 'add', item: { sku: 'new', qty: 1, price: 1 } }, T)).toThrow('already holds 200 lines');
    expect(full).toHaveLength(200);
  });
});

describe('merging two views of the cart', () => {
  it('keeps every line from both sides', () => {
    const merged = mergeLines([line('A', 1, 10)], [line('B', 2, 5)]);
    expect(merged.map((l) => l.sku)).toEqual(['A', 'B']);
  });

  it('takes the line changed last when both sides hold the same SKU', () => {
    expect(mergeLines([line('A', 1, 10, T)], [line('A', 4, 10, T + 1)])).toEqual([line('A', 4, 10, T + 1)]);
    expect(mergeLines([line('A', 1, 10, T + 1)], [line('A', 4, 10, T)])).toEqual([line('A', 1, 10, T + 1)]);
  });
});

describe('revalidation against the merchant', () => {
  it('re-prices, removes unavailable lines and reports what it did not check', () => {
    const r = revalidateLines([line('A', 1, 10), line('B', 1, 5), line('C', 2, 7), line('D', 1, 3)], { A: { available: true, price: 12 }, B: { available: false }, C: { available: true } }, T + 9);
    expect(r.lines).toEqual([{ ...line('A', 1, 12), updatedAt: T + 9 }, line('C', 2, 7), line('D', 1, 3)]);
    expect(r.repriced).toEqual([{ sku: 'A', from: 10, to: 12 }]);
    expect(r.removed).toEqual([{ sku: 'B', qty: 1, price: 5 }]);
    expect(r.unchecked).toEqual(['D']);
  });
});

describe('cart expiry', () => {
  it('expires a cart untouched for longer than its time to live', () => {
    const rec = { id: 'current' as const, lines: [line('A', 1, 1)], updatedAt: T };
    expect(isExpired(rec, T + 30 * 86_400_000, 30)).toBe(false);
    expect(isExpired(rec, T + 30 * 86_400_000 + 1, 30)).toBe(true);
  });

  it('shows the page items without the merge stamps', () => {
    expect(toCart({ id: 'current', lines: [line('A', 1, 1)], updatedAt: T }, true)).toEqual({
      items: [{ sku: 'A', qty: 1, price: 1 }],
      updatedAt: T,
      restored: true,
    });
  });
});

describe('a handoff link’s lines, merged into the cart', () => {
  const record = (lines: CartLine[], handoffs?: string[]) => ({ id: 'current' as const, lines, updatedAt: T, ...(handoffs && { handoffs }) });
  const handoff = (id: string, at: number, items: { sku: string; qty: number; price: number }[]) => validateCartOp({ kind: 'handoff', id, at, items });

  it('merges by the cart’s rules (for a SKU in both, the line changed last) and remembers the link', () => {
    const mine = record([line('A', 1, 10, T + 100), line('B', 3, 5, T - 100)]);
    const next = changedRecord(
      mine,
      handoff('link-1', T, [
        { sku: 'A', qty: 5, price: 10 },
        { sku: 'B', qty: 1, price: 5 },
        { sku: 'C', qty: 2, price: 7 },
      ]),
      T + 200,
    );
    expect(next.lines).toEqual([line('A', 1, 10, T + 100), line('B', 1, 5, T), line('C', 2, 7, T)]);
    expect(next.handoffs).toEqual(['link-1']);
    expect(toCart(next, false).handoffs).toEqual(['link-1']);
  });

  it('adds nothing from a link merged before, even once its lines were removed', () => {
    const merged = changedRecord(record([]), handoff('link-1', T, [{ sku: 'A', qty: 1, price: 1 }]), T);
    const emptied = changedRecord(merged, { kind: 'clear' }, T + 1);
    expect(emptied).toMatchObject({ lines: [], handoffs: ['link-1'] });
    expect(changedRecord(emptied, handoff('link-1', T, [{ sku: 'A', qty: 1, price: 1 }]), T + 2)).toBe(emptied);
  });

  it('keeps the ids of the last 50 links, and those of both sides when two views merge', () => {
    let cart = record([]);
    for (let i = 0; i < 55; i++) cart = changedRecord(cart, handoff(`l${i}`, T, [{ sku: `S${i}`, qty: 1, price: 1 }]), T + i);
    expect(cart.handoffs).toHaveLength(50);
    expect(cart.handoffs![0]).toBe('l5');
    expect(mergeRecords(record([line('A', 1, 1)], ['x']), record([line('B', 1, 1)], ['y', 'x'])).handoffs).toEqual(['x', 'y']);
  });

  it('refuses a link’s lines that would take the cart over its limit, or that are not lines', () => {
    const full = record(Array.from({ length: 200 }, (_, i) => line(`S${i}`, 1, 1)));
    expect(() => changedRecord(full, handoff('l', T, [{ sku: 'new', qty: 1, price: 1 }]), T)).toThrow('the cart would hold more than 200 lines');
    expect(() => handoff('bad id!', T, [{ sku: 'A', qty: 1, price: 1 }])).toThrow('cart.handoff.id: expected letters, digits, - and _ only');
    expect(() => handoff('ok', T, [])).toThrow('cart.handoff.items: expected from 1 to 200 lines');
    expect(() => handoff('ok', T, [{ sku: 'A', qty: 0, price: 1 }])).toThrow('cart.handoff.items[0].qty');
  });
});

describe('the cart of the visit, as the page kept it', () => {
  it('is checked line by line, with the links it merged', () => {
    expect(visitCartOf({ items: [{ sku: 'A', qty: 2, price: 3 }], updatedAt: T, restored: false, handoffs: ['l1'] }, T + 10)).toEqual({
      id: 'current',
      lines: [line('A', 2, 3)],
      updatedAt: T,
      handoffs: ['l1'],
    });
    // A time from the future is now.
    expect(visitCartOf({ items: [{ sku: 'A', qty: 2, price: 3 }], updatedAt: T + 1e9 }, T)?.updatedAt).toBe(T);
  });

  it('is left out when it is not a valid cart, or an empty one', () => {
    for (const raw of [
      null,
      'cart',
      { items: 'A' },
      { items: [{ sku: 'A', qty: 0, price: 1 }] },
      { items: [{ sku: 'A', qty: 1, price: 1, evil: true }] },
      { items: [{ sku: 'A', qty: 1, price: 1 }], handoffs: ['<script>'] },
      { items: [{ sku: 'A', qty: 1, price: 1 }], handoffs: 'abc' },
      { items: [] },
    ]) {
      expect(visitCartOf(raw, T), JSON.stringify(raw)).toBeNull();
    }
  });
});
