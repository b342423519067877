import { describe, expect, it } from 'vitest';
import { explore } from '../../worker/decide/explore';
import { generator } from '../../worker/random';

const positions = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
/** A slot of `n` eligible offers, the best `poolSize` of them (positions 0, 1, …) in the pool. */
const slot = (n: number, poolSize: number) => ({ pool: positions(0, poolSize), eligible: Int32Array.from(positions(0, n)) });

describe('exploration', () => {
  it('explores nothing at a rate of 0', () => {
    const { pool, eligible } = slot(50, 10);
    expect(explore(pool, eligible, 3, 0, generator(1)).size).toBe(0);
  });

  it('at a rate of 1 gives every position a different offer from below the pool', () => {
    const { pool, eligible } = slot(50, 10);
    const picks = explore(pool, eligible, 4, 1, generator(7));
    expect([...picks.keys()]).toEqual([0, 1, 2, 3]);
    const offers = [...picks.values()];
    expect(new Set(offers).size).toBe(4);
    for (const offer of offers) expect(offer).toBeGreaterThanOrEqual(10);
  });

  it('draws the same picks from the same seed, and other picks from other seeds', () => {
    const { pool, eligible } = slot(200, 10);
    const picks = (seed: number) => JSON.stringify([...explore(pool, eligible, 3, 1, generator(seed))]);
    expect(picks(42)).toBe(picks(42));
    expect(new Set(Array.from({ length: 10 }, (_, seed) => picks(seed))).size).toBeGreaterThan(5);
  });

  it('in a slot whose eligible offers all fit in the pool, picks from below the top `limit`', () => {
    const { pool, eligible } = slot(6, 6);
    for (let seed = 0; seed < 20; seed++) {
      const offers = [...explore(pool, eligible, 2, 1, generator(seed)).values()];
      expect(offers).toHaveLength(2);
      for (const offer of offers) expect(offer).toBeGreaterThanOrEqual(2);
    }
  });

  it('explores nothing when every eligible offer is already in the top `limit`', () => {
    const { pool, eligible } = slot(3, 3);
    expect(explore(pool, eligible, 3, 1, generator(3)).size).toBe(0);
  });
});
