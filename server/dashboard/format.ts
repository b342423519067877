import { html } from 'hono/html';
import type { Estimated, OfferStats } from '../stats';

/** A rate as a percentage. */
export const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;

/** A relative change with its sign (a real minus sign, as screen readers say it). */
export const signedPct = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x * 100).toFixed(1)}%`;

/** A count, rounded (noisy totals are estimates), with thousands separators. */
export const count = (x: number) => Math.round(x).toLocaleString('en-US');

/** Minor units as major units with two decimals. */
export const money = (minor: number) => (minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A probability as a percentage, never claiming certainty. */
export const chance = (p: number) => (p > 0.999 ? '> 99.9%' : p < 0.001 ? '< 0.1%' : `${(p * 100).toFixed(1)}%`);

/** What a row under k says instead of numbers. */
export const soFar = (reports: number, k: number) => `${reports} of ${reportsWord(k)} so far`;

/** A count of reports in words: `1 report`, `20 reports`. */
export const reportsWord = (n: number) => `${n} ${n === 1 ? 'report' : 'reports'}`;

/**
 * How to read a comparison in words: a difference is called only when both the chance to beat
 * and the 95% interval agree.
 */
export function verdict(chanceToBeat: number, ci95: [number, number] | null): 'better' | 'worse' | 'unclear' {
  if (chanceToBeat >= 0.95 && ci95 && ci95[0] > 0) return 'better';
  if (chanceToBeat <= 0.05 && ci95 && ci95[1] < 0) return 'worse';
  return 'unclear';
}

/** The half-width of a total's 95% interval, when noisy reports make it an estimate. */
export function halfWidth(o: OfferStats, m: Estimated): number | undefined {
  const ci = o.ci95[m];
  return ci && (ci[1] - ci[0]) / 2;
}

/** A total, with ± half its 95% interval when noisy reports make it an estimate. */
export function estimate(o: OfferStats, m: Estimated, format: (x: number) => string = count) {
  const half = halfWidth(o, m);
  return half === undefined ? format(o[m]) : html`${format(o[m])} <small>± ${format(half)}</small>`;
}
