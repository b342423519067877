/*
 * The public API of a running SDK instance, as types: what `createVitrine` returns and the
 * script tag's `window.vitrine` exposes (src/vitrine.ts builds it).
 */
import type { TrackPayloads, TrackType } from './protocol/events';
import type { ConsentState } from './protocol/consent';
import type { EngineKind, ExportedData, ReportStatus, StorageKind } from './protocol/engine';
import type { CartApi } from './cart';
import type { ConsentApi } from './consent/core';
import type { RenderHandle, RenderOptions } from './render';
import type { DecideOptions, Decision, Interest } from './protocol/decision';

/** What is running, for the merchant to see (a contract: README, "API"). */
export interface VitrineState {
  engine: EngineKind;
  storage: StorageKind;
  consent: ConsentState;
  catalogVersion: string | null;
  /** The version of the collector's priors the offers learn from, for a catalog that learns; null before any. */
  priorsVersion: string | null;
  /** Aggregate reports: waiting in the outbox, acknowledged and dropped since the page started. */
  reports: ReportStatus;
  /** Why storage is in memory or the engine is not in a Worker, when that is so; why a report was dropped. */
  notes: string[];
}

/** `v.privacy`: what the shopper can see and erase. */
export interface PrivacyApi {
  /** @returns everything stored about the shopper on this device, as JSON-ready data */
  export(): Promise<ExportedData>;
  /** Erases everything on this device, the database included, in every open tab. */
  forget(): Promise<void>;
  /** @returns the interests the profile holds (browsing, stated) and the muted categories */
  interests(): Promise<Interest[]>;
  /** Drops a category from the profile and its signals; it never shows in offers or reasons again. */
  mute(category: string): Promise<void>;
  /** States an interest; it counts like browsing and the reasons say so. Needs personalization. */
  prefer(category: string): Promise<void>;
}

/** A running SDK instance. */
export interface Vitrine {
  /**
   * Records a browsing signal. Validated here (throws `invalid-payload` naming the field);
   * stored in the engine only with `personalization` consent.
   * @example v.track('product_view', { sku: 'TR-1', category: 'trail-running', price: 89 })
   */
  track<T extends TrackType>(type: T, payload: TrackPayloads[T]): void;
  /** Resolves once every tracked event has reached the engine and storage. */
  flush(): Promise<void>;
  /**
   * Ranks the slot's offers on the device. Without personalization consent the ranking is
   * contextual (page, cart, time).
   * @example const [top] = await v.decide('home-hero', { limit: 1, context: { category: 'trail-running' } })
   */
  decide(slot: string, options?: DecideOptions): Promise<Decision[]>;
  /**
   * Renders the slot's offers into `element` as text, with "Why this offer?" and a dismiss
   * control, and records impressions, clicks and dismissals.
   * @example await v.render('home-hero', document.querySelector('#hero')!)
   */
  render(slot: string, element: Element, options?: RenderOptions): Promise<RenderHandle>;
  cart: CartApi;
  consent: ConsentApi;
  privacy: PrivacyApi;
  /** @returns what is running */
  state(): VitrineState;
  /** Stops the engine and detaches from the page; the data stays. */
  destroy(): Promise<void>;
}
