import type { StatsBody } from '../collector/stats-api';
import { DEFAULT_VARIANT } from '../../src/protocol/catalog';
import { offerTotals, type OfferStats } from '../stats';
import type { DailyRow } from '../store';

/** One UTC day of a content variant: its totals when they may be shown, else how close they are. */
export interface DayView {
  day: string;
  /** Totals of the day's rows with at least k reports; null when none has. */
  stats: OfferStats | null;
  /** With no row shown: the report count of the day's fullest row under k. */
  pending: number | null;
}

/** One content variant of an offer, as the page and the CSV show it. */
export interface VariantView {
  offer: string;
  variant: string;
  /** Totals of its cells with at least k reports (and the comparison with the default); null when none has. */
  stats: OfferStats | null;
  /** Its fullest cell under k, by report count; null when no cell is under k. */
  pending: number | null;
  /** Every day of the offer, in order (the same days for each of its variants). */
  daily: DayView[];
}

/** One offer: its default content first, then its other variants. */
export interface OfferView {
  offer: string;
  variants: VariantView[];
}

const key = (offer: string, variant: string) => `${offer}\u0000${variant}`;
const fuller = (a: number | null, b: number) => Math.max(a ?? 0, b);

/**
 * Groups what a site's stats show by offer and variant, with a daily series for each. k applies
 * to every number: to each daily row as to each cell, and anything under k keeps only its report count.
 * @param body the k-anonymous stats (server/collector/stats-api.ts `readStats`)
 * @param daily the store's per-day rows over the same range, unfiltered
 */
export function offerViews(body: StatsBody, daily: DailyRow[]): OfferView[] {
  const variants = new Map<string, VariantView>();
  const variantOf = (offer: string, variant: string) => {
    let v = variants.get(key(offer, variant));
    if (!v) variants.set(key(offer, variant), (v = { offer, variant, stats: null, pending: null, daily: [] }));
    return v;
  };
  for (const o of body.offers) variantOf(o.offer, o.variant).stats = o;
  for (const p of body.pending) {
    const v = variantOf(p.offer, p.variant);
    v.pending = fuller(v.pending, p.reports);
  }

  const days = new Map<string, DailyRow[]>();
  for (const r of daily) {
    variantOf(r.offer, r.variant);
    days.set(r.day, [...(days.get(r.day) ?? []), r]);
  }
  const offerDays = new Map<string, Set<string>>();
  for (const [day, rows] of [...days].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const shown = new Map(offerTotals(rows.filter((r) => r.reports >= body.k)).map((s) => [key(s.offer, s.variant), s]));
    const pending = new Map<string, number>();
    for (const r of rows) {
      if (r.reports < body.k) pending.set(key(r.offer, r.variant), fuller(pending.get(key(r.offer, r.variant)) ?? null, r.reports));
      offerDays.set(r.offer, (offerDays.get(r.offer) ?? new Set()).add(day));
    }
    for (const v of variants.values()) {
      if (!offerDays.get(v.offer)?.has(day)) continue;
      const stats = shown.get(key(v.offer, v.variant)) ?? null;
      v.daily.push({ day, stats, pending: stats ? null : (pending.get(key(v.offer, v.variant)) ?? null) });
    }
  }

  const offers = new Map<string, OfferView>();
  for (const v of variants.values()) {
    const o = offers.get(v.offer) ?? { offer: v.offer, variants: [] };
    o.variants.push(v);
    offers.set(v.offer, o);
  }
  for (const o of offers.values()) {
    o.variants.sort((a, b) => Number(b.variant === DEFAULT_VARIANT) - Number(a.variant === DEFAULT_VARIANT) || (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0));
  }
  return [...offers.values()].sort((a, b) => (a.offer < b.offer ? -1 : a.offer > b.offer ? 1 : 0));
}
