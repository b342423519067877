import type { Decision } from '../../src/protocol/decision';
import type { ExposureLog } from '../exposures';
import { assignArm } from '../arm';
import { generator, hash32 } from '../random';
import type { CompiledCatalog } from './compile';
import type { RankInput } from './features';
import { explain, scoreSlot } from './score';
import { explore } from './explore';
import { diversify, type Candidate } from './diversify';
import { variantOf } from './variants';
import { EXPLORATION_REASON, reasonsFor } from './reasons';

/** An offer that may go in the slate: where it is in the slot, and its score. */
interface SlateCandidate extends Candidate {
  position: number;
}

/**
 * Ranks a slot's offers: eligibility → caps → score → exploration → diversity → top `limit`.
 * One pass over the slot scores every eligible offer and keeps a small pool of the best; only
 * the offers of the slate get their reasons worked out.
 * @param compiled the prepared catalog
 * @param slot the slot to fill
 * @param limit how many offers
 * @param input what the decision may know (profile only with personalization consent)
 * @param log recent exposures, for caps
 * @param seed the device seed (variants, buckets, exploration)
 * @param draw a number that changes per decision, so exploration varies between decisions
 * @returns the decisions, best first
 * @example
 * const decisions = rank(compileCatalog(catalog), 'home-hero', 3, input, exposures, seed, draws++);
 */
export function rank(compiled: CompiledCatalog, slot: string, limit: number, rankInput: RankInput, log: ExposureLog, seed: number, draw: number): Decision[] {
  const compiledSlot = compiled.bySlot.get(slot);
  if (!compiledSlot) return [];
  const { catalog } = compiled;
  const arm = assignArm(catalog, seed, rankInput.personal !== null);
  const personalized = arm === 'personalized';
  // The baseline arm keeps the fixed, non-learning order: it is what the uplift is measured against.
  const input = arm === 'baseline' && rankInput.learned ? { ...rankInput, learned: null } : rankInput;
  const poolSize = Math.min(compiledSlot.offers.length, Math.max(limit * 3, 10));
  const { scores, pool, eligible } = scoreSlot(compiled, compiledSlot, input, log, personalized, poolSize);

  const { exploration, diversity } = catalog.settings;
  const explored = personalized && exploration > 0 ? explore(pool, eligible, limit, exploration, generator(hash32(`explore:${slot}:${draw}`, seed))) : new Map<number, number>();
  // Diversity needs only scores and categories: what each feature added is worked out for the slate alone.
  const exploredOffers = new Set(explored.values());
  const candidate = (position: number): SlateCandidate => ({ position, offer: compiledSlot.offers[position]!, score: scores[position]! });
  const candidates = pool.filter((position) => !exploredOffers.has(position)).map(candidate);
  const highest = scores[pool[0]!] ?? 0;
  const lowest = scores[pool[pool.length - 1]!] ?? 0;
  const slate = diversify(candidates, limit - explored.size, diversity, lowest, highest);
  for (const [slatePosition, position] of explored) {
    slate.splice(Math.min(slatePosition, slate.length), 0, candidate(position));
  }

  return slate.slice(0, limit).map(({ position }) => {
    const wasExplored = exploredOffers.has(position);
    const { offer, score, contributions, source } = explain(compiledSlot, position, scores[position]!, input, personalized);
    const variant = variantOf(offer, seed, input.learned);
    return {
      id: offer.id,
      slot,
      variant: variant.id,
      content: variant.content,
      score: Math.round(score * 1000) / 1000,
      reasons: wasExplored ? [EXPLORATION_REASON] : reasonsFor(catalog, offer, contributions, source, input),
      arm,
      explored: wasExplored,
    };
  });
}
