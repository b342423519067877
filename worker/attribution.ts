import type { TrackEvent } from '../src/protocol/events';
import { assignArm } from './arm';
import { keptIfAllowed } from './storage/lifecycle';
import type { ExposureRecord } from './storage/store';
import { mayKeepExposures } from './purposes';
import type { EngineState } from './state';

/*
 * Exposures: what was shown, clicked, dismissed or bought after a click, kept for frequency
 * caps and aggregate reports. Each carries the catalog version it happened under, so a report
 * window that spans a catalog update is reported per version.
 */

/**
 * Records an exposure in memory (and tells the other tabs), and on the device when consent
 * allows. A withdrawal in another tab a moment ago wins: the record is then not kept.
 */
export async function saveExposure(s: EngineState, record: Omit<ExposureRecord, 'catalog'> & { catalog?: string }): Promise<void> {
  const version = record.catalog ?? s.catalog.current?.version;
  const stamped: ExposureRecord = version ? { ...record, catalog: version } : record;
  s.exposures.add(stamped);
  s.sync?.post({ t: 'exposure', record: stamped });
  if (!mayKeepExposures(s.consent)) return;
  await keptIfAllowed(s, () => s.store.addExposure(stamped, mayKeepExposures));
}

/**
 * Turns tracked offer clicks into exposures, and credits a purchase soon after a click on an
 * offer to it, on the device.
 */
export async function attribute(s: EngineState, events: readonly TrackEvent[]): Promise<void> {
  const catalog = s.catalog.current;
  for (const e of events) {
    if (e.type === 'offer_click') {
      const shown = Object.values(s.decisions)
        .flat()
        .find((d) => d.id === e.payload.offer);
      const arm = catalog ? assignArm(catalog, s.seed, s.consent.purposes.personalization) : (shown?.arm ?? 'contextual');
      await saveExposure(s, { offer: e.payload.offer, variant: e.payload.variant ?? shown?.variant ?? 'default', slot: e.payload.slot ?? shown?.slot ?? '', arm, kind: 'click', at: e.at });
    } else if (e.type === 'purchase' && catalog) {
      const click = s.exposures.attribute(e.at, catalog.settings.attributionWindowHours);
      if (click) {
        const value = minorUnits(e.payload.total, e.payload.currency);
        // Under the version of the credited click: the offer is the one that was shown then.
        await saveExposure(s, {
          offer: click.offer,
          variant: click.variant,
          slot: click.slot,
          arm: click.arm,
          kind: 'conversion',
          at: e.at,
          value,
          ...(click.catalog ? { catalog: click.catalog } : {}),
        });
      }
    }
  }
}

/** An amount in the currency's minor units (cents; yen have none, dinars have three). */
export function minorUnits(amount: number, currency: string): number {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unknown currency code: assume cents.
  }
  return Math.round(amount * 10 ** digits);
}
