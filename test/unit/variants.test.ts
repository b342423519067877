import { describe, expect, it } from 'vitest';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { variantOf } from '../../worker/decide/variants';
import { testCatalog } from '../fixtures/catalog';

const offers = validateCatalog(testCatalog()).offers;
const trail = offers.find((o) => o.id === 'trail-10')!;
const yoga = offers.find((o) => o.id === 'yoga-mat')!;

describe('content variants', () => {
  it('shows an offer without variants as its base content', () => {
    expect(variantOf(yoga, 1, null)).toEqual({ id: 'default', content: yoga.content });
  });

  it('changes only the fields the variant sets', () => {
    const seed = Array.from({ length: 100 }, (_, s) => s).find((s) => variantOf(trail, s, null).id === 'b')!;
    expect(variantOf(trail, seed, null).content).toEqual({ ...trail.content, title: 'Trail season is here' });
  });

  it('keeps a device on its variant and splits devices by the weights', () => {
    const seeds = Array.from({ length: 2000 }, (_, s) => s * 7919);
    for (const seed of seeds.slice(0, 50)) expect(variantOf(trail, seed, null).id).toBe(variantOf(trail, seed, null).id);
    const share = seeds.filter((seed) => variantOf(trail, seed, null).id === 'b').length / seeds.length;
    expect(share).toBeGreaterThan(0.45);
    expect(share).toBeLessThan(0.55);
  });
});
