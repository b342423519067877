/**
 * Draws from the Beta distributions of learned click-through rates: the device's Thompson
 * sampling (with a seeded uniform generator, so its draws are the same for the same seed and
 * priors version) and the dashboard's chance that each variant is best.
 */

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * A Gamma(shape, 1) draw: Marsaglia and Tsang's method ("A simple method for generating gamma
 * variables", 2000), with the boost U^(1/shape) for shapes below 1.
 * @param shape above 0
 * @param random uniform numbers in [0, 1)
 */
export function gamma(shape: number, random: () => number): number {
  if (shape < 1) return gamma(shape + 1, random) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/**
 * A Beta(alpha, beta) draw, as X / (X + Y) of two Gamma draws.
 * @param alpha above 0
 * @param beta above 0
 * @param random uniform numbers in [0, 1)
 * @returns a number in [0, 1]
 */
export function betaDraw(alpha: number, beta: number, random: () => number): number {
  const x = gamma(alpha, random);
  const y = gamma(beta, random);
  return x + y > 0 ? x / (x + y) : 0.5;
}
