/** What a set of reports adds up to, per arm and per (offer, variant): what the dashboard should find. */
import type { Arm } from '../../src/protocol/decision';
import type { Report } from '../../src/protocol/report';

/** Summed counters. */
export interface Totals {
  reports: number;
  impressions: number;
  clicks: number;
  conversions: number;
  /** Minor units. */
  revenue: number;
}

/** Clicks per impression, 0 without impressions. */
export function ctr(t: Totals): number {
  return t.impressions > 0 ? t.clicks / t.impressions : 0;
}

const zero = (): Totals => ({ reports: 0, impressions: 0, clicks: 0, conversions: 0, revenue: 0 });

function add(into: Totals, from: Omit<Totals, 'reports'>): void {
  into.impressions += from.impressions;
  into.clicks += from.clicks;
  into.conversions += from.conversions;
  into.revenue += from.revenue;
}

/**
 * Sums the cells of the reports.
 * @returns per arm, and per offer then variant (in the order first met), the totals
 */
export function reportTotals(reports: readonly Report[]): { arms: Map<Arm, Totals>; offers: Map<string, Map<string, Totals>> } {
  const arms = new Map<Arm, Totals>();
  const offers = new Map<string, Map<string, Totals>>();
  for (const report of reports) {
    const arm = report.cells[0]?.arm;
    if (arm && !report.part?.index) {
      if (!arms.has(arm)) arms.set(arm, zero());
      arms.get(arm)!.reports++;
    }
    for (const cell of report.cells) {
      if (!arms.has(cell.arm)) arms.set(cell.arm, zero());
      add(arms.get(cell.arm)!, cell);
      let variants = offers.get(cell.offer);
      if (!variants) offers.set(cell.offer, (variants = new Map()));
      if (!variants.has(cell.variant)) variants.set(cell.variant, zero());
      const t = variants.get(cell.variant)!;
      t.reports++;
      add(t, cell);
    }
  }
  return { arms, offers };
}
