import type { Offer } from '../../src/protocol/catalog';

/** What diversification needs of an offer it may pick. */
export interface Candidate {
  offer: Pick<Offer, 'categories'>;
  score: number;
}

/** Jaccard similarity of two offers' categories; 0 when either has none. */
function similarity(a: Candidate['offer'], b: Candidate['offer']): number {
  const mine = a.categories;
  if (!mine.length || !b.categories.length) return 0;
  let shared = 0;
  for (let k = 0; k < mine.length; k++) if (b.categories.includes(mine[k]!)) shared++;
  return shared / (mine.length + b.categories.length - shared);
}

/**
 * Picks offers by maximal marginal relevance: each next pick is the candidate whose score,
 * scaled to [0, 1] over `[lowest, highest]`, minus `diversity` times its similarity to the
 * closest offer already picked, is the highest (the earlier candidate on a tie). Indexed loops
 * and one list of what is taken: a decision runs this before its code is optimized, when
 * iterators and copies each cost an allocation.
 * @param candidates the offers to pick from, best first
 * @param count how many to pick
 * @param diversity what full similarity costs: 0 keeps score order
 * @param lowest the lowest score of the pool the candidates come from
 * @param highest its highest score
 * @returns the picks, in slate order
 */
export function diversify<T extends Candidate>(candidates: readonly T[], count: number, diversity: number, lowest: number, highest: number): T[] {
  // Without a cost for similarity the picks are the candidates in their order (best first).
  if (diversity === 0) return candidates.slice(0, count);
  const range = highest > lowest ? highest - lowest : 0;
  const taken = new Uint8Array(candidates.length);
  const picked: T[] = [];
  while (picked.length < count && picked.length < candidates.length) {
    let best = -1;
    let bestValue = -Infinity;
    for (let k = 0; k < candidates.length; k++) {
      if (taken[k]) continue;
      const candidate = candidates[k]!;
      let closest = 0;
      for (let p = 0; p < picked.length; p++) closest = Math.max(closest, similarity(candidate.offer, picked[p]!.offer));
      const value = (range ? (candidate.score - lowest) / range : 1) - diversity * closest;
      if (best < 0 || value > bestValue) (best = k), (bestValue = value);
    }
    taken[best] = 1;
    picked.push(candidates[best]!);
  }
  return picked;
}
