import { describe, expect, it } from 'vitest';
import { diversify } from '../../worker/decide/diversify';

const offer = (id: string, score: number, ...categories: string[]) => ({ id, score, offer: { categories } });
const ids = (picked: { id: string }[]) => picked.map((p) => p.id);

describe('diversification (maximal marginal relevance)', () => {
  const running = [offer('run-a', 1, 'running'), offer('run-b', 0.9, 'running'), offer('yoga', 0.8, 'yoga')];

  it('keeps score order when diversity is 0', () => {
    expect(ids(diversify(running, 2, 0, 0.8, 1))).toEqual(['run-a', 'run-b']);
  });

  it('passes over a near-duplicate of an offer already picked when diversity is on', () => {
    expect(ids(diversify(running, 2, 1, 0.8, 1))).toEqual(['run-a', 'yoga']);
    expect(ids(diversify(running, 3, 1, 0.8, 1))).toEqual(['run-a', 'yoga', 'run-b']);
  });

  it('measures overlap as shared categories over all categories of the two (Jaccard)', () => {
    // [a, b] shares half its categories with [a]: 0.9 − 0.5 = 0.4 beats 0.35 for an unrelated offer.
    const candidates = [offer('first', 1, 'a'), offer('half-alike', 0.9, 'a', 'b'), offer('other', 0.35, 'c')];
    expect(ids(diversify(candidates, 2, 1, 0, 1))).toEqual(['first', 'half-alike']);
  });

  it('treats offers without categories as unlike every other', () => {
    const candidates = [offer('x', 1), offer('y', 0.9), offer('z', 0.1, 'z')];
    expect(ids(diversify(candidates, 2, 1, 0, 1))).toEqual(['x', 'y']);
  });

  it('picks in candidate order when every score is the same, and never more than asked', () => {
    const candidates = [offer('p', 5, 'a'), offer('q', 5, 'b'), offer('r', 5, 'c')];
    expect(ids(diversify(candidates, 2, 0.3, 5, 5))).toEqual(['p', 'q']);
    expect(diversify(candidates, 0, 0.3, 5, 5)).toEqual([]);
  });

  it('leaves the candidate list as it was', () => {
    const candidates = [...running];
    diversify(candidates, 3, 1, 0.8, 1);
    expect(candidates).toEqual(running);
  });
});
