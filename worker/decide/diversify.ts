import type { Offer } from '../../src/protocol/catalog';

/** What diversification needs of an offer it may pick. */
export interface Candidate {
  offer: Pick<Offer, 'categories'>;
  score: number;
}

/** Jaccard similarity of two offers' categories; 0 when either has none. */
function similarity(a: Candidate['offer'], b: Candidate['offer']): number {
  if (!a.categories.length || !b.categories.length) return 0;
  let shared = 0;
  for (const category of a.categories) if (b.categories.includes(category)) shared++;
  return shared / (a.categories.length + b.categories.length - shared);
}

/**
 * Picks offers by maximal marginal relevance: each next pick is the candidate whose score,
 * scaled to [0, 1] over `[lowest, highest]`, minus `diversity` times its similarity to the
 * closest offer already picked, is the highest (the earlier candidate on a tie).
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
  const scaled = (score: number) => (highest > lowest ? (score - lowest) / (highest - lowest) : 1);
  const rest = candidates.slice();
  const picked: T[] = [];
  while (picked.length < count && rest.length) {
    let best = 0;
    let bestValue = -Infinity;
    for (let k = 0; k < rest.length; k++) {
      const candidate = rest[k]!;
      let closest = 0;
      for (const p of picked) closest = Math.max(closest, similarity(candidate.offer, p.offer));
      const value = scaled(candidate.score) - diversity * closest;
      if (value > bestValue) (best = k), (bestValue = value);
    }
    picked.push(rest.splice(best, 1)[0]!);
  }
  return picked;
}
