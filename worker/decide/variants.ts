import type { Offer, OfferContent } from '../../src/protocol/catalog';
import { assignVariant } from '../arm';
import type { LearnedDraws } from './learned';

/**
 * The content variant of an offer this device sees, with the base content filled in under
 * what the variant changes.
 * @param offer the offer
 * @param seed the device seed, which keeps the variant sticky
 * @param learned the device's draws from the priors: the variant drawn for an offer that learns its variants
 * @returns the variant's id and the content to show
 */
export function variantOf(offer: Offer, seed: number, learned: LearnedDraws | null): { id: string; content: OfferContent } {
  const drawn = learned?.variants.get(offer.id);
  const variant = (drawn !== undefined && offer.variants.find((v) => v.id === drawn)) || assignVariant(offer, seed);
  return { id: variant.id, content: { ...offer.content, ...variant.content } };
}
