import type { Catalog } from '../../src/protocol/catalog';
import { learningOf } from '../../src/protocol/learning';
import type { ArmPrior, Priors } from '../../src/protocol/priors';
import type { LearnedDraws } from '../decide/learned';
import { assignVariant } from '../arm';
import { generator, hash32 } from '../random';
import { betaDraw } from '../../src/protocol/beta';

const mean = (p: ArmPrior) => p.ctr.alpha / (p.ctr.alpha + p.ctr.beta);

/**
 * Thompson sampling on the device, from the collector's priors and the device seed: sticky per
 * device and priors version, so a shopper sees the same slate from page to page until the
 * priors change (README, "Offers that learn").
 * - **Content variants** (offers whose switch has `variants`): with probability `floor` × the
 *   number of variants a variant is picked uniformly, so every variant keeps at least its floor
 *   share; otherwise the variant whose click-through rate drawn from its prior is highest.
 *   Only when every variant of the offer has a prior (basis other than `none`).
 * - **Offer rank** (offers whose switch has `offers`): a click-through rate θ drawn from the prior
 *   of the variant the device shows, compared with the mean m of its slot's priors:
 *   (θ − m) / (θ + m), 0 at or below it, is the `learned` ranking feature.
 * @param catalog the current catalog
 * @param priors priors for that catalog version
 * @param seed the device seed
 * @returns the draws
 */
export function learnedDraws(catalog: Catalog, priors: Priors, seed: number): LearnedDraws {
  const byArm = new Map(priors.priors.map((p) => [`${p.offer}\u0000${p.variant}`, p]));
  const variants = new Map<string, string>();
  const thetas: { offer: string; slot: string; theta: number; mean: number }[] = [];
  const { floor } = priors.method;
  for (const offer of catalog.offers) {
    const learning = learningOf(catalog, offer);
    if (!learning.offers && !learning.variants) continue;
    const random = generator(hash32(`learn:${offer.id}:${priors.version}`, seed));
    const arms = offer.variants.map((v) => byArm.get(`${offer.id}\u0000${v.id}`));
    if (learning.variants && arms.length > 1 && arms.every((a) => a && a.ctr.basis !== 'none')) {
      // A floor over 1 / variants would leave no room for the draws (and never reach the last variants).
      const share = Math.min(floor, 1 / arms.length);
      const u = random();
      let pick = Math.floor(u / share);
      if (u >= share * arms.length) {
        let best = -1;
        arms.forEach((a, i) => {
          const theta = betaDraw(a!.ctr.alpha, a!.ctr.beta, random);
          if (theta > best) (best = theta), (pick = i);
        });
      }
      variants.set(offer.id, offer.variants[pick]!.id);
    }
    if (learning.offers) {
      const prior = byArm.get(`${offer.id}\u0000${variants.get(offer.id) ?? assignVariant(offer, seed).id}`);
      if (prior && prior.ctr.basis !== 'none') thetas.push({ offer: offer.id, slot: offer.slot, theta: betaDraw(prior.ctr.alpha, prior.ctr.beta, random), mean: mean(prior) });
    }
  }
  const slotMeans = new Map<string, [sum: number, count: number]>();
  for (const t of thetas) {
    const [sum, count] = slotMeans.get(t.slot) ?? [0, 0];
    slotMeans.set(t.slot, [sum + t.mean, count + 1]);
  }
  const values = new Map<string, number>();
  for (const t of thetas) {
    const [sum, count] = slotMeans.get(t.slot)!;
    const m = sum / count;
    values.set(t.offer, Math.max(0, (t.theta - m) / (t.theta + m)));
  }
  return { version: priors.version, variants, values };
}
