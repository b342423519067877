import type { Offer, OfferContent } from '../../src/protocol/catalog';
import { assignVariant } from '../arm';

/**
 * The content variant of an offer this device sees, with the base content filled in under
 * what the variant changes.
 * @param offer the offer
 * @param seed the device seed, which keeps the variant sticky
 * @returns the variant's id and the content to show
 */
export function variantOf(offer: Offer, seed: number): { id: string; content: OfferContent } {
  const variant = assignVariant(offer, seed);
  return { id: variant.id, content: { ...offer.content, ...variant.content } };
}
