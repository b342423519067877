/**
 * The distribution functions the collector's statistics need: the normal, chi-square and
 * log-gamma functions, in closed forms or classic approximations (no dependency).
 */

/** erfc(x) for x ≥ 0, Abramowitz and Stegun 7.1.26 (absolute error under 1.5e-7). */
export function erfc(x: number): number {
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return poly * Math.exp(-x * x);
}

/** The standard normal distribution function. */
export function normalCdf(z: number): number {
  const tail = erfc(Math.abs(z) / Math.SQRT2) / 2;
  return z >= 0 ? 1 - tail : tail;
}

/**
 * The upper tail of the chi-square distribution, P(X ≥ x) with `df` degrees of freedom, in
 * closed form: for even df, e^(−x/2) Σ_{i<df/2} (x/2)^i / i!; for odd df, erfc(√(x/2)) plus
 * e^(−x/2) Σ_{i<(df−1)/2} (x/2)^(i+1/2) / Γ(i + 3/2).
 * @param x the statistic, ≥ 0
 * @param df the degrees of freedom, a whole number ≥ 1
 */
export function chiSquareTail(x: number, df: number): number {
  if (!(x > 0)) return 1;
  const half = x / 2;
  if (df % 2 === 0) {
    let term = 1;
    let sum = 1;
    for (let i = 1; i < df / 2; i++) sum += term *= half / i;
    return Math.min(1, Math.exp(-half) * sum);
  }
  let term = Math.sqrt(half) / Math.exp(lnGamma(1.5));
  let sum = 0;
  for (let i = 0; i < (df - 1) / 2; i++) {
    sum += term;
    term *= half / (i + 1.5);
  }
  return Math.min(1, erfc(Math.sqrt(half)) + Math.exp(-half) * sum);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, nine coefficients: about 15 significant digits). */
export function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const y = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}
