import { halfWidth, soFar } from './format';
import type { OfferView } from './view';
import type { PriorsSummary } from '../priors/summary';
import type { ShareCheck } from '../priors/shares';

type Cell = string | number | null | undefined;

/** The columns of the CSV export, in order. */
export const CSV_COLUMNS = [
  'offer',
  'variant',
  'reports',
  'impressions',
  'impressions_pm95',
  'clicks',
  'clicks_pm95',
  'ctr',
  'ctr_uplift_vs_default',
  'uplift_ci95_low',
  'uplift_ci95_high',
  'chance_to_beat_default',
  'conversions',
  'conversions_pm95',
  'conversion_rate',
  'revenue',
  'revenue_pm95',
  'note',
  'share_of_offer_impressions',
  'priors_version',
  'learned_ctr',
  'learned_ctr_ci95_low',
  'learned_ctr_ci95_high',
  'chance_best',
  'learned_from',
  'last_checked_window',
  'window_share_observed',
  'window_share_implied',
  'window_share_p',
] as const;

/**
 * One CSV field (RFC 4180). Text that a spreadsheet would run as a formula (starting with =, +,
 * -, @, a tab or a carriage return) is prefixed with a quote so it stays text (OWASP "CSV injection").
 */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(Number(value.toFixed(6))) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The offers table of the dashboard as CSV: a header row, then one row per offer and content
 * variant. Rows under k carry only their note ("12 of 20 reports so far"), no numbers. Revenue is
 * in major units; rates are fractions.
 */
export function offersCsv(offers: OfferView[], k: number, priors: PriorsSummary | null = null, shares: readonly ShareCheck[] = []): string {
  const rows: Cell[][] = [[...CSV_COLUMNS]];
  for (const o of offers) {
    // A share only when every variant of the offer may be shown.
    const offerImpressions = o.variants.every((v) => v.stats) ? o.variants.reduce((sum, v) => sum + Math.max(0, v.stats!.impressions), 0) : 0;
    for (const v of o.variants) {
      const s = v.stats;
      const note = v.pending === null ? '' : s ? `and a group with ${soFar(v.pending, k)}` : soFar(v.pending, k);
      const b = priors?.arms.find((a) => a.offer === v.offer && a.variant === v.variant);
      // The offer's last window whose shares were checked against what the priors implied.
      const check = shares.filter((c) => c.offer === v.offer).at(-1);
      const at = check?.variants.indexOf(v.variant) ?? -1;
      const learned: Cell[] = [
        s && offerImpressions > 0 ? Math.max(0, s.impressions) / offerImpressions : null,
        b ? priors!.version : null,
        b?.mean,
        b?.ci95[0],
        b?.ci95[1],
        b?.chanceBest,
        b?.basis,
        check && at >= 0 ? new Date(check.windowStart).toISOString() : null,
        check?.observed[at],
        check?.implied[at],
        check && at >= 0 ? check.pValue : null,
      ];
      if (!s) {
        rows.push([v.offer, v.variant, ...Array(CSV_COLUMNS.length - 3 - learned.length).fill(null), note, ...learned]);
        continue;
      }
      const c = s.vsDefault;
      const revenueHalf = halfWidth(s, 'revenue');
      rows.push([
        v.offer,
        v.variant,
        s.reports,
        Math.round(s.impressions),
        halfWidth(s, 'impressions'),
        Math.round(s.clicks),
        halfWidth(s, 'clicks'),
        s.ctr,
        c?.uplift,
        c?.ci95?.[0],
        c?.ci95?.[1],
        c?.chanceToBeat,
        Math.round(s.conversions),
        halfWidth(s, 'conversions'),
        s.conversionRate,
        s.revenue / 100,
        revenueHalf === undefined ? null : revenueHalf / 100,
        note,
        ...learned,
      ]);
    }
  }
  return `${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}
