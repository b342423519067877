import { holdoutOf, type Catalog, type Offer } from '../src/protocol/catalog';
import type { Arm } from '../src/protocol/decision';
import { bucket, pickWeighted } from './random';

/** The arm of the personalization holdout this device is in (sticky: from the local seed). */
export function assignArm(catalog: Catalog, seed: number, personalization: boolean): Arm {
  if (!personalization) return 'contextual';
  const holdout = holdoutOf(catalog);
  if (!holdout) return 'personalized';
  const i = pickWeighted(
    holdout.arms.map((a) => a.weight),
    bucket(seed, `experiment:${holdout.id}`),
  );
  return holdout.arms[i]!.id;
}

/** The content variant of an offer this device sees (sticky: from the local seed, by the variants' weights). */
export function assignVariant(offer: Offer, seed: number): Offer['variants'][number] {
  return offer.variants[
    offer.variants.length === 1
      ? 0
      : pickWeighted(
          offer.variants.map((v) => v.weight),
          bucket(seed, `variant:${offer.id}`),
        )
  ]!;
}
