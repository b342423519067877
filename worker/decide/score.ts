import type { Offer } from '../../src/protocol/catalog';
import type { ExposureLog } from '../exposures';
import { RULES, SENSITIVE, type CompiledCatalog, type CompiledSlot } from './compile';
import { eligible } from './eligibility';
import { FEATURE, FEATURES, PERSONAL, computeFeatures, priceFitOf, recencyOf, type FeatureSource, type RankInput } from './features';
import { learnedValues } from './learned';

/** A slot's eligible offers, scored; offers are named by their position in the slot. */
export interface SlotScores {
  /**
   * Score by position; set for eligible offers only, and NaN for one that could not reach the
   * pool (its price fit was not worked out: {@link explain} does it).
   */
  scores: Float64Array;
  /** The best eligible offers, best first: ties go to the higher priority, then to catalog order. */
  pool: number[];
  /** Every eligible offer, in slot order. */
  eligible: Int32Array;
}

// What one decision adds to an offer's bits (compile.ts gives the others).
const EXPOSED = 4;
const MUTED = 8;
const IN_CART = 16;
const ON_PAGE = 32;

/** Sets `bit` on the offers at `positions` (one position, or a list of them, or none). */
function mark(flags: Uint8Array, bit: number, positions: number | number[] | undefined): void {
  if (typeof positions === 'number') flags[positions]! |= bit;
  else if (positions) for (let k = 0; k < positions.length; k++) flags[positions[k]!]! |= bit;
}

/**
 * Scores every eligible offer of a slot from the compiled arrays and keeps a pool of the best.
 * An offer in a muted category is left out; one with rules or recent exposures gets the full
 * eligibility check. Score: priority + Σ weight × feature, personal features only when
 * `personalized` and the offer is not sensitive. Once the pool is full, an offer that could not
 * enter it even with every feature at 1 is left with its score unknown (NaN, worked out by
 * {@link explain} if exploration picks it), as is one that could not even with a full price fit.
 * @param compiled the prepared catalog
 * @param slot the slot's compiled offers
 * @param input what the decision may know
 * @param log recent exposures, for caps
 * @param personalized whether personal features count (the personalized arm)
 * @param poolSize how many of the best to keep
 * @returns the scores, the pool and the eligible offers (in the slot's scratch arrays: valid until its next decision)
 */
export function scoreSlot(compiled: CompiledCatalog, slot: CompiledSlot, input: RankInput, log: ExposureLog, personalized: boolean, poolSize: number): SlotScores {
  const { offers, catalogIndex, weights, priorityScore, logPrice, categoryStart, categories, bound, byId, byCategory, scratch } = slot;
  const n = offers.length;
  const width = FEATURES.length;

  // Per category, the shopper's interest: its strength and how recent it is.
  const { categoryIds } = compiled;
  const { strength, recency } = compiled.scratch;
  strength.fill(0);
  recency.fill(0);
  // Maps and sets by forEach, arrays by index: before this code is optimized, an iterator costs an allocation per step.
  if (personalized && input.personal) {
    input.personal.interests.forEach((interest, category) => {
      const id = categoryIds.get(category);
      if (id === undefined) return;
      strength[id] = interest.strength;
      recency[id] = recencyOf(input.now, interest.lastAt);
    });
  }
  // Per offer, what the cart, the page, the muted categories and the exposures say of it.
  const flags = scratch.flags;
  flags.set(slot.flags);
  input.cart.categories.forEach((category) => void mark(flags, IN_CART, byCategory.get(category)));
  mark(flags, ON_PAGE, byCategory.get(input.page.category!));
  mark(flags, ON_PAGE, slot.bySku.get(input.page.sku!));
  input.muted.forEach((category) => void mark(flags, MUTED, byCategory.get(category)));
  log.forEachOffer((id) => mark(flags, EXPOSED, byId.get(id)));
  const band = personalized ? input.personal?.band : null;
  const learned = input.learned && learnedValues(slot, input.learned);
  const low = band ? Math.log10(band.low) : 0;
  const high = band ? Math.log10(band.high) : 0;

  const pool: number[] = [];
  const { scores, eligible: eligibleList } = scratch;
  let eligibleCount = 0;
  // What an offer must reach to enter the pool: its lowest score once it is full.
  let worst = -Infinity;
  const better = (a: number, b: number) => scores[a]! - scores[b]! || offers[a]!.priority - offers[b]!.priority || catalogIndex[b]! - catalogIndex[a]!;

  for (let i = 0; i < n; i++) {
    const offerFlags = flags[i]!;
    if (offerFlags & MUTED || (offerFlags & (RULES | EXPOSED) && !eligible(offers[i]!, input, log))) continue;
    eligibleList[eligibleCount++] = i;
    const at = i * width;
    let score = learned ? weights[at + FEATURE.learned]! * learned[i]! : 0;
    if (bound[i]! + score < worst) {
      scores[i] = NaN;
      continue;
    }
    score += priorityScore[i]! + (offerFlags & IN_CART ? weights[at + FEATURE.cartMatch]! : 0) + (offerFlags & ON_PAGE ? weights[at + FEATURE.pageMatch]! : 0);
    if (personalized && !(offerFlags & SENSITIVE)) {
      // The strongest interest among the offer's categories, and how recent it is.
      let affinity = 0;
      let interestRecency = 0;
      for (let k = categoryStart[i]!, end = categoryStart[i + 1]!; k < end; k++) {
        const id = categories[k]!;
        if (strength[id]! > affinity) (affinity = strength[id]!), (interestRecency = recency[id]!);
      }
      score += weights[at + FEATURE.affinity]! * affinity + weights[at + FEATURE.recency]! * interestRecency;
      const price = logPrice[i]!;
      if (band && !Number.isNaN(price)) {
        const fitWeight = weights[at + FEATURE.priceFit]!;
        if (score + Math.max(0, fitWeight) < worst) {
          scores[i] = NaN;
          continue;
        }
        // On log prices: the distance out of the band in decades.
        score += fitWeight * priceFitOf(Math.max(0, low - price, price - high));
      }
    }
    scores[i] = score;
    // Keep the pool sorted best first; most offers fall out at the first comparison.
    if (score < worst || (pool.length === poolSize && score === worst && better(i, pool[poolSize - 1]!) <= 0)) continue;
    let to = pool.length === poolSize ? poolSize - 1 : pool.length;
    while (to > 0 && better(i, pool[to - 1]!) > 0) {
      pool[to] = pool[to - 1]!;
      to--;
    }
    pool[to] = i;
    if (pool.length === poolSize) worst = scores[pool[poolSize - 1]!]!;
  }
  return { scores, pool, eligible: eligibleList.subarray(0, eligibleCount) };
}

/** An offer with its score and what each feature added to it, for the reasons. */
export interface ScoredOffer {
  offer: Offer;
  score: number;
  /** Weight × feature, in {@link FEATURES} order; 0 for personal features outside the personalized arm. */
  contributions: Float64Array;
  source: FeatureSource;
}

// One offer's features and what each added: written by each `explain`, read before the next one.
const features = new Float64Array(FEATURES.length);
const contributions = new Float64Array(FEATURES.length);

/**
 * Works out what each feature added to an offer's score. Done only for the offers a slate may
 * show, not in the scoring pass.
 * @param slot the slot's compiled offers
 * @param position the offer's position in the slot
 * @param score its score from {@link scoreSlot} (NaN when it left it unknown)
 * @param input what the decision may know
 * @param personalized whether personal features count
 * @returns the offer, its score and its feature contributions (in an array the next `explain` rewrites)
 */
export function explain(slot: CompiledSlot, position: number, score: number, input: RankInput, personalized: boolean): ScoredOffer {
  const offer = slot.offers[position]!;
  const source = computeFeatures(offer, input, personalized && !(slot.flags[position]! & SENSITIVE), features);
  let sum = slot.priorityScore[position]!;
  for (let k = 0; k < FEATURES.length; k++) {
    contributions[k] = !PERSONAL[k] || personalized ? slot.weights[position * FEATURES.length + k]! * features[k]! : 0;
    sum += contributions[k]!;
  }
  return { offer, score: Number.isNaN(score) ? sum : score, contributions, source };
}
