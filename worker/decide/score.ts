import type { Offer } from '../../src/protocol/catalog';
import type { ExposureLog } from '../exposures';
import type { CompiledCatalog, CompiledSlot } from './compile';
import { eligible } from './eligibility';
import { FEATURE, FEATURES, PERSONAL, RECENCY_SCALE_MS, computeFeatures, type FeatureSource, type RankInput } from './features';
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

/**
 * Scores every eligible offer of a slot from the compiled arrays and keeps a pool of the best.
 * An offer in a muted category is left out; one with rules or recent exposures gets the full
 * eligibility check. Score: priority + Σ weight × feature, personal features only when
 * `personalized` and the offer is not sensitive.
 * @param compiled the prepared catalog
 * @param slot the slot's compiled offers
 * @param input what the decision may know
 * @param log recent exposures, for caps
 * @param personalized whether personal features count (the personalized arm)
 * @param poolSize how many of the best to keep
 * @returns the scores, the pool and the eligible offers
 */
export function scoreSlot(compiled: CompiledCatalog, slot: CompiledSlot, input: RankInput, log: ExposureLog, personalized: boolean, poolSize: number): SlotScores {
  const { offers, catalogIndex, weights, priorityScore, logPrice, categoryStart, categories, hasRules, sensitive, byId, bySku } = slot;
  const n = offers.length;

  // Per category, what this decision knows: interest strength and recency, cart, page, muted.
  const { categoryIds } = compiled;
  const strength = new Float64Array(categoryIds.size);
  const recency = new Float64Array(categoryIds.size);
  const inCart = new Uint8Array(categoryIds.size);
  const onPage = new Uint8Array(categoryIds.size);
  const muted = new Uint8Array(categoryIds.size);
  if (personalized && input.personal) {
    for (const [category, interest] of input.personal.interests) {
      const id = categoryIds.get(category);
      if (id === undefined) continue;
      strength[id] = interest.strength;
      recency[id] = Math.exp(-Math.max(0, input.now - interest.lastAt) / RECENCY_SCALE_MS);
    }
  }
  const mark = (flags: Uint8Array, category: string) => {
    const id = categoryIds.get(category);
    if (id !== undefined) flags[id] = 1;
  };
  for (const category of input.cart.categories) mark(inCart, category);
  if (input.page.category !== undefined) mark(onPage, input.page.category);
  for (const category of input.muted) mark(muted, category);
  const promotesPageSku = new Uint8Array(n);
  for (const i of (input.page.sku !== undefined && bySku.get(input.page.sku)) || []) promotesPageSku[i] = 1;
  const exposed = new Uint8Array(n);
  for (const id of log.offers()) if (byId.has(id)) exposed[byId.get(id)!] = 1;
  const band = personalized ? input.personal?.band : null;
  const learned = input.learned && learnedValues(slot, input.learned);
  const low = band ? Math.log10(band.low) : 0;
  const high = band ? Math.log10(band.high) : 0;

  const pool: number[] = [];
  const scores = new Float64Array(n);
  const eligibleList = new Int32Array(n);
  let eligibleCount = 0;
  const better = (a: number, b: number) =>
    scores[a]! - scores[b]! || offers[a]!.priority - offers[b]!.priority || catalogIndex[b]! - catalogIndex[a]!;

  for (let i = 0; i < n; i++) {
    let affinity = 0;
    let strongest = -1;
    let cartMatch = 0;
    let pageMatch = promotesPageSku[i]!;
    let blocked = false;
    for (let k = categoryStart[i]!, end = categoryStart[i + 1]!; k < end; k++) {
      const id = categories[k]!;
      if (muted[id]) blocked = true;
      if (inCart[id]) cartMatch = 1;
      if (onPage[id]) pageMatch = 1;
      if (strength[id]! > affinity) (affinity = strength[id]!), (strongest = id);
    }
    if (blocked) continue;
    if ((hasRules[i] || exposed[i]) && !eligible(offers[i]!, input, log)) continue;
    const at = i * FEATURES.length;
    let score = priorityScore[i]! + weights[at + FEATURE.cartMatch]! * cartMatch + weights[at + FEATURE.pageMatch]! * pageMatch;
    if (learned) score += weights[at + FEATURE.learned]! * learned[i]!;
    eligibleList[eligibleCount++] = i;
    if (personalized && !sensitive[i]) {
      score += weights[at + FEATURE.affinity]! * affinity + (strongest >= 0 ? weights[at + FEATURE.recency]! * recency[strongest]! : 0);
      const price = logPrice[i]!;
      if (band && price === price) {
        const fitWeight = weights[at + FEATURE.priceFit]!;
        // The fit is at most 1: an offer that could not enter the full pool even then is left
        // with its score unknown (NaN, worked out by `explain` if exploration picks it), which
        // saves the exponential for most offers of a large slot.
        if (pool.length === poolSize && score + Math.max(0, fitWeight) < scores[pool[poolSize - 1]!]!) {
          scores[i] = Number.NaN;
          continue;
        }
        // The same fit as computeFeatures' priceFit, on log prices: 1 inside the band.
        score += fitWeight * (price < low ? Math.exp(-3 * (low - price)) : price > high ? Math.exp(-3 * (price - high)) : 1);
      }
    }
    scores[i] = score;
    // Keep the pool sorted best first; most offers fall out at the first comparison.
    if (pool.length === poolSize) {
      const worst = scores[pool[poolSize - 1]!]!;
      if (score < worst || (score === worst && better(i, pool[poolSize - 1]!) <= 0)) continue;
    }
    let to = pool.length === poolSize ? poolSize - 1 : pool.length;
    while (to > 0 && better(i, pool[to - 1]!) > 0) {
      pool[to] = pool[to - 1]!;
      to--;
    }
    pool[to] = i;
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

/**
 * Works out what each feature added to an offer's score. Done only for the offers a slate may
 * show, not in the scoring pass.
 * @param slot the slot's compiled offers
 * @param position the offer's position in the slot
 * @param score its score from {@link scoreSlot} (NaN when it left it unknown)
 * @param input what the decision may know
 * @param personalized whether personal features count
 * @returns the offer, its score and its feature contributions
 */
export function explain(slot: CompiledSlot, position: number, score: number, input: RankInput, personalized: boolean): ScoredOffer {
  const offer = slot.offers[position]!;
  const features = new Float64Array(FEATURES.length);
  const source = computeFeatures(offer, input, personalized && !slot.sensitive[position], features);
  const contributions = new Float64Array(FEATURES.length);
  let sum = slot.priorityScore[position]!;
  for (let k = 0; k < FEATURES.length; k++) {
    if (!PERSONAL[k] || personalized) contributions[k] = slot.weights[position * FEATURES.length + k]! * features[k]!;
    sum += contributions[k]!;
  }
  return { offer, score: score === score ? score : sum, contributions, source };
}
