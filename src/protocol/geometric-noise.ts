/**
 * Local noise for deployments that want each report deniable: the two-sided geometric
 * mechanism (discrete Laplace). Each counter gets an independent integer Z with
 * P(Z = z) ∝ α^|z|, α = exp(−ε / bound), where bound is the counter's contribution bound.
 * One report then changes the odds of what any one counter says by at most e^ε (ε-local
 * differential privacy per counter; a shopper's whole report, across k counters they moved,
 * by at most e^(kε)). The noise has mean 0, so sums over many devices are unbiased; its
 * variance is 2α / (1 − α)², which the collector uses for confidence intervals.
 */

/** The α of a counter with this bound at this ε. */
export function alphaOf(epsilon: number, bound: number): number {
  return Math.exp(-epsilon / bound);
}

/** The variance of one counter's noise. */
export function noiseVariance(epsilon: number, bound: number): number {
  const a = alphaOf(epsilon, bound);
  return (2 * a) / (1 - a) ** 2;
}

/**
 * One draw of two-sided geometric noise: the difference of two geometric variables.
 * @param random uniform numbers in [0, 1)
 */
export function geometric(alpha: number, random: () => number): number {
  const draw = () => Math.floor(Math.log(1 - random()) / Math.log(alpha));
  return draw() - draw();
}
