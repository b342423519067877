import type { ExposureRecord } from './storage/store';
import { HOUR_MS } from '../src/protocol/time';

/** Exposures are kept this long on the device: the longest cap window, a week. */
export const EXPOSURE_KEEP_MS = 7 * 24 * HOUR_MS;

/** What the log knows of one offer. */
export interface OfferLog {
  impressions: number[];
  dismissedAt: number;
}

/**
 * The engine's in-memory view of recent exposures, for frequency caps and attribution.
 * Loaded from storage at start, fed by this tab and by the others (so caps hold across tabs).
 */
export class ExposureLog {
  private readonly byOffer = new Map<string, OfferLog>();
  private clicks: ExposureRecord[] = [];

  /**
   * Adds an exposure: this tab's, another tab's (heard once, as it happens), or one loaded
   * from storage at start (before the other tabs are listened to, so nothing counts twice).
   */
  add(e: ExposureRecord): void {
    if (e.kind === 'click') this.clicks.push(e);
    if (e.kind !== 'impression' && e.kind !== 'dismiss') return;
    let log = this.byOffer.get(e.offer);
    if (!log) this.byOffer.set(e.offer, (log = { impressions: [], dismissedAt: 0 }));
    if (e.kind === 'impression') log.impressions.push(e.at);
    else log.dismissedAt = Math.max(log.dismissedAt, e.at);
  }

  /** Calls `fn` with each offer that has recent impressions or a dismissal: the only ones caps can stop. */
  forEachOffer(fn: (offer: string) => void): void {
    this.byOffer.forEach((_, offer) => void fn(offer));
  }

  /** Recent impression times and the last dismissal of an offer, for its caps. */
  entry(offer: string): OfferLog | undefined {
    return this.byOffer.get(offer);
  }

  /**
   * The click a purchase is credited to: the latest within the attribution window.
   * @param windowHours the catalog's attribution window
   */
  attribute(now: number, windowHours: number): ExposureRecord | undefined {
    for (let i = this.clicks.length - 1; i >= 0; i--) {
      const c = this.clicks[i]!;
      if (now - c.at <= windowHours * HOUR_MS && c.at <= now) return c;
    }
    return undefined;
  }

  /** Forgets what is older than a week. */
  prune(now: number): void {
    for (const [offer, log] of this.byOffer) {
      log.impressions = log.impressions.filter((t) => now - t < EXPOSURE_KEEP_MS);
      if (!log.impressions.length && now - log.dismissedAt >= EXPOSURE_KEEP_MS) this.byOffer.delete(offer);
    }
    this.clicks = this.clicks.filter((c) => now - c.at < EXPOSURE_KEEP_MS);
  }

  clear(): void {
    this.byOffer.clear();
    this.clicks = [];
  }
}
