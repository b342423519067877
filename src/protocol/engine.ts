import type { ErrorData } from './errors';
import type { TrackEvent } from './events';
import type { Cart, CartOp, CurrentOffer, RevalidateResult } from './cart';
import type { ResolvedConsentOptions, VitrineOptions } from './options';
import type { Decision, DecideOptions, ExposureInput, Interest } from './decision';
import type { ConsentState, PurposeName } from './consent';

/** Where the engine keeps data. */
export type StorageKind = 'indexeddb' | 'memory';

/** Where the engine runs; `none` when it could not start and the page's stand-in answers (src/stand-in-engine.ts). */
export type EngineKind = 'worker' | 'blob-worker' | 'inline' | 'none';

/** What the engine says once it is ready. */
export interface EngineHello {
  storage: StorageKind;
  /** Why storage is in memory, when it is. */
  storageReason?: string;
  /** The consent decision stored on this device, if any. */
  consent: ConsentState | null;
  cart: Cart;
  /** The version of the catalog in use (cached from an earlier visit), if any. */
  catalogVersion: string | null;
  /** The consent options, validated: the page starts the CMP adapter they name. */
  consentOptions: ResolvedConsentOptions;
  /** The options that were not known, each with the closest known name (`options.collectorURL: unknown field; did you mean collectorUrl?`). */
  warnings?: string[];
}

/** Aggregate reports on this device (README, "How devices report"). */
export interface ReportStatus {
  /** Reports in the outbox, built and not yet acknowledged by the collector. */
  pending: number;
  /** Reports the collector acknowledged since this page started. */
  sent: number;
  /** Reports given up since this page started: refused by the collector (4xx) or too old to send. */
  dropped: number;
  /** Why the last report was dropped or could not be built, when one was. */
  error?: string;
}

/** A built report the page may send itself, with a keepalive fetch, when it is hidden (it stays in the outbox). */
export interface ReadyReport {
  body: string;
  /** Not before this time (backoff). */
  nextAt: number;
}

/** What the engine tells the page without being asked. */
export type EngineEvent =
  | { type: 'cart'; cart: Cart; cause: 'restore' | 'remote' }
  | { type: 'consent'; consent: ConsentState }
  | { type: 'storage'; storage: StorageKind; reason?: string }
  | { type: 'catalog'; version: string | null; error?: string }
  /** The collector's priors after a fetch: the version in use (null: none), and why the last fetch failed. */
  | { type: 'priors'; version: string | null; error?: string }
  | { type: 'reports'; status: ReportStatus; url: string; ready: ReadyReport[] };

/** Why one kind of data is kept on the device, and for how long. */
export interface KeptData {
  /** A store (`signals`, `cart`, …) or a value kept in `meta` (`consent`, `seed`, …). */
  data: 'signals' | 'profile' | 'cart' | 'exposures' | 'outbox' | 'consent' | 'catalog' | 'priors' | 'seed' | 'muted' | 'decisions' | 'reportDomains' | 'lastOffers' | 'visitCart' | 'visitSeen';
  /** The consent purposes that allow it, any one sufficing; none when the shop needs it to work. */
  purposes: PurposeName[];
  /** Days a record is kept after it was last written; `null` until it is replaced or erased. */
  days: number | null;
  /** For scores that fade: the days after which one counts half. */
  halfLifeDays?: number;
  /** For a bounded store: the most records (for `lastOffers`, slots) it keeps, the oldest going first. */
  maxRecords?: number;
  /** For a store with a byte budget: the most bytes (of its records' JSON) it keeps, the oldest going first. */
  maxBytes?: number;
}

/** Everything stored on this device, as `privacy.export()` returns it. */
export interface ExportedData {
  exportedAt: string;
  siteId: string;
  storage: StorageKind;
  /** The IndexedDB (or memory) stores, by name. */
  stores: Record<string, unknown[]>;
  /** What the engine holds in memory only: the session cart and signals awaiting a decision. */
  memory: { cart: Cart; undecidedSignals: TrackEvent[] };
  /** Why each kind of data is kept and for how long, as this site's options set it. */
  kept: KeptData[];
  /** What the page keeps itself (Web Storage): each slot's last offers, painted before the engine has started, and the visit's cart. Absent from the engine's own export. */
  page?: {
    lastOffers: Record<string, Decision[]>;
    /** The cart of this tab's visit (sessionStorage) without `functional` consent, as the page last kept it; null when there is none. */
    visitCart?: Cart | null;
    /** When this tab last showed a page of the shop (src/visit.ts), with `functional` consent; null when it is not kept. */
    visitSeen?: number | null;
  };
}

/** A result or an error, as plain data: errors cross the worker boundary with their code. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

/**
 * The one typed boundary between the page and the engine (worker/index.ts exposes it).
 * Every method answers with a {@link Reply}; payloads are structured-cloneable.
 */
export interface EngineApi {
  /**
   * Validates the options (rejecting with `invalid-options`), opens storage, reads stored consent.
   * @param visitCart the cart of this tab's visit as the page kept it without `functional` consent (src/session-cart.ts), unchecked
   * @param continuing whether this page continues the tab's visit (src/visit.ts): a cart found then is not `restored`
   */
  init(options: VitrineOptions, onEvent: (event: EngineEvent) => void, visitCart?: unknown, continuing?: boolean): Promise<Reply<EngineHello>>;
  track(events: TrackEvent[]): Promise<Reply<number>>;
  /** The cart as it is. */
  getCart(): Promise<Reply<Cart>>;
  /** Applies a change (validated here: it comes from the page as is). */
  cart(op: CartOp): Promise<Reply<Cart>>;
  /** Reprices and removes lines by the shop's current data (validated here); answers with what it changed. */
  revalidateCart(current: Record<string, CurrentOffer>): Promise<Reply<RevalidateResult>>;
  /** Applies a consent decision; answers where data is kept under it. */
  setConsent(consent: ConsentState): Promise<Reply<StorageKind>>;
  /** Ranks the slot's offers (validated here). Waits for the first catalog if none is cached. */
  decide(slot: string, options: DecideOptions | undefined): Promise<Reply<Decision[]>>;
  /** The slot's last decision (kept across page loads with personalization), to paint before `decide` answers. */
  cachedDecision(slot: string): Promise<Reply<Decision[] | null>>;
  /** Records an impression, click or dismissal reported by the page. */
  exposure(report: ExposureInput): Promise<Reply<null>>;
  interests(): Promise<Reply<Interest[]>>;
  mute(category: string): Promise<Reply<null>>;
  prefer(category: string): Promise<Reply<null>>;
  exportData(): Promise<Reply<ExportedData>>;
  /** Erases everything; answers why storage is now in memory. */
  forget(): Promise<Reply<string>>;
  /**
   * Closes storage. `frozen`: the page is going into the back-forward cache, where WebKit would
   * keep a transaction started now open and every other page of the shop waiting on it, so a
   * waiting write of the decisions is dropped instead of done.
   */
  close(frozen?: boolean): Promise<Reply<null>>;
}

/**
 * The engine's file, as the page picks it when `workerUrl` does not name one: a page with a
 * catalog gets the engine with ranking built in (nothing loads after it before the first
 * offer); a page without offers the engine alone.
 * @param options the page's options
 * @returns the file's name, beside the SDK
 */
export function workerFile(options: { catalogUrl?: string }): string {
  return options.catalogUrl ? 'vitrine-worker-offers.js' : 'vitrine-worker.js';
}

/** The message a worker posts once its engine is exposed, before any call. */
export const READY_MESSAGE = 'vitrine:engine-ready';

/**
 * A call from the page to the engine in a Worker. A function argument (the one `init` takes)
 * does not cross: it is sent as `null`, and the engine's calls to it come back as
 * {@link EngineMessage} events.
 */
export interface EngineCall {
  id: number;
  method: keyof EngineApi;
  args: unknown[];
}

/** What the engine in a Worker posts to the page: the answer to a call, or an event. */
export type EngineMessage = { id: number; reply: Reply<unknown> } | { event: EngineEvent };

/** The global under which the worker bundle registers its engine factory when loaded in a page. */
export const INLINE_GLOBAL = '__vitrineEngine';
