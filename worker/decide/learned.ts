import type { CompiledSlot } from './compile';

/**
 * What a device drew from the collector's priors (the learn chunk draws them, sticky per device
 * and priors version): what ranking and the choice of content variants take from learning.
 */
export interface LearnedDraws {
  /** The priors version the draws come from. */
  version: string;
  /** The content variant drawn for each offer that learns its variants. */
  variants: Map<string, string>;
  /**
   * For each offer that learns its rank: how far its draw of the click-through rate is above
   * its slot's mean, (θ − m) / (θ + m), 0 at or below it: the `learned` ranking feature.
   */
  values: Map<string, number>;
}

const bySlot = new WeakMap<LearnedDraws, WeakMap<CompiledSlot, Float64Array>>();

/**
 * The `learned` feature of each offer of a compiled slot, by its position there (0 for offers
 * that do not learn), worked out once per draws and slot.
 * @param slot the compiled slot
 * @param draws the device's draws
 */
export function learnedValues(slot: CompiledSlot, draws: LearnedDraws): Float64Array {
  let slots = bySlot.get(draws);
  if (!slots) bySlot.set(draws, (slots = new WeakMap()));
  let values = slots.get(slot);
  if (!values) {
    values = Float64Array.from(slot.offers, (offer) => draws.values.get(offer.id) ?? 0);
    slots.set(slot, values);
  }
  return values;
}
