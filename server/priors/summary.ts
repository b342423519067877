import { betaDraw } from '../../src/protocol/beta';
import type { PriorBasis, Priors } from '../../src/protocol/priors';

/** What the marketer reads of one (offer, variant)'s prior. */
export interface ArmBelief {
  offer: string;
  variant: string;
  /** The prior's mean click-through rate. */
  mean: number;
  /** Its central 95% credible interval. */
  ci95: [number, number];
  /** The chance its click-through rate is the highest of its offer's variants; null for an offer with one variant. */
  chanceBest: number | null;
  basis: PriorBasis;
}

/** The priors the devices learn from, as the dashboard shows them. */
export interface PriorsSummary {
  version: string;
  catalog: string;
  computedAt: number;
  validUntil: number;
  arms: ArmBelief[];
}

/** Draws per arm by default: the chance to be best and the interval's ends are then good to about half a point. */
const DEFAULT_DRAWS = 10_000;

/**
 * Sums up priors for the dashboard: each arm's mean and 95% interval, and, among the variants
 * of each offer, the chance each is best (by simulation, as Thompson sampling would draw them).
 * @param priors the priors
 * @param options.random uniform numbers in [0, 1)
 * @param options.offers only these offers (default: all)
 * @param options.draws draws per arm
 */
export function summarizePriors(priors: Priors, options: { random?: () => number; offers?: ReadonlySet<string>; draws?: number } = {}): PriorsSummary {
  const { random = Math.random, offers, draws: drawsPerArm = DEFAULT_DRAWS } = options;
  const byOffer = new Map<string, Priors['priors']>();
  for (const p of priors.priors) if (!offers || offers.has(p.offer)) byOffer.set(p.offer, [...(byOffer.get(p.offer) ?? []), p]);
  const arms: ArmBelief[] = [];
  for (const variants of byOffer.values()) {
    const draws = variants.map((p) => Float64Array.from({ length: drawsPerArm }, () => betaDraw(p.ctr.alpha, p.ctr.beta, random)));
    const wins = new Array<number>(variants.length).fill(0);
    for (let d = 0; d < drawsPerArm; d++) {
      let best = 0;
      for (let i = 1; i < variants.length; i++) if (draws[i]![d]! > draws[best]![d]!) best = i;
      wins[best]!++;
    }
    variants.forEach((p, i) => {
      const sorted = draws[i]!.sort();
      arms.push({
        offer: p.offer,
        variant: p.variant,
        mean: p.ctr.alpha / (p.ctr.alpha + p.ctr.beta),
        ci95: [sorted[Math.floor(0.025 * drawsPerArm)]!, sorted[Math.ceil(0.975 * drawsPerArm) - 1]!],
        chanceBest: variants.length > 1 ? wins[i]! / drawsPerArm : null,
        basis: p.ctr.basis,
      });
    });
  }
  return { version: priors.version, catalog: priors.catalog, computedAt: priors.computedAt, validUntil: priors.validUntil, arms };
}
