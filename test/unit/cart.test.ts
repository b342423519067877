import { describe, expect, it } from 'vitest';
import { applyCartOp, isExpired, mergeLines, revalidateLines, toCart } from '../../worker/cart';
import type { CartLine } from '../../src/protocol/cart';

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
    const r = revalidateLines(
      [line('A', 1, 10), line('B', 1, 5), line('C', 2, 7), line('D', 1, 3)],
      { A: { available: true, price: 12 }, B: { available: false }, C: { available: true } },
      T + 9,
    );
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
      items: [{ sku: 'A', qty: 1, price: 1 }], updatedAt: T, restored: true,
    });
  });
});
