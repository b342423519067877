import { VitrineError } from '../../src/protocol/errors';
import type { TrackEvent } from '../../src/protocol/events';
import type { CartRecord } from '../../src/protocol/cart-rules';
import type { ConsentState } from '../../src/protocol/consent';
import type { StorageKind } from '../../src/protocol/engine';
import type { Arm, Decision, ExposureKind } from '../../src/protocol/decision';
import type { Catalog } from '../../src/protocol/catalog';
import type { Priors } from '../../src/protocol/priors';
import type { Profile } from '../profile';
import { DAY_MS } from '../../src/protocol/time';

/** A raw signal as kept in the bounded `signals` ring. */
export type SignalRecord = TrackEvent & { id?: number };

/** The cart as persisted: one record, replaced atomically (its rules: src/protocol/cart-rules.ts). */
export type { CartRecord };

/**
 * The most exposures a device keeps: a week of them is kept, and this bounds that week for a
 * page that shows offers without end (about 300 a day). Over it the oldest impressions go;
 * clicks, dismissals and credited purchases, which a shopper makes one by one, are kept.
 */
export const MAX_EXPOSURES = 2_000;

/** One impression, click, dismissal or credited purchase of an offer (caps, attribution, reports). */
export interface ExposureRecord {
  id?: number;
  offer: string;
  variant: string;
  /** The ranking the shopper got: an arm of the holdout, or `contextual` without personalization. */
  arm: Arm;
  slot: string;
  kind: ExposureKind;
  at: number;
  /** For a conversion: the purchase total in minor units. */
  value?: number;
  /**
   * The catalog version the offer was shown (or credited) under, so a window that spans a
   * catalog update is reported per version. Absent in records kept before it was recorded:
   * those count under the catalog current when the report is built.
   */
  catalog?: string;
}

/** A report, serialised as sent, waiting for the collector's acknowledgement. */
export interface PendingReport {
  /** The report id (of this part, when a window is split). */
  id: string;
  body: string;
  createdAt: number;
  /** Sends that failed with a retryable answer so far. */
  attempts: number;
  /** Not sent again before this time (backoff, `Retry-After`). */
  nextAt: number;
}

/**
 * The outbox: reports waiting to be sent and how far exposures have been reported, in one
 * record, so a built report and the end of what it covers are written together.
 */
export interface OutboxRecord {
  id: 'current';
  /** Exposures before this time are in a report already, or predate measurement consent. */
  reportedUntil: number;
  reports: PendingReport[];
}

/** The stores that hold one record (key `current`), read, changed and written atomically. */
export interface Documents {
  cart: CartRecord;
  outbox: OutboxRecord;
}

/** Values kept in `meta`, by key. */
export interface MetaValues {
  consent: ConsentState;
  /** The last good catalog, as validated, and its ETag: usable offline, never re-validated. */
  catalog: { catalog: Catalog; etag: string | null; fetchedAt: number; schema: number; key: string | null };
  /**
   * The last good priors of the collector (null before any), as checked, with the key they
   * were checked with, their ETag, and when they were last asked for and for which catalog
   * version (so a page after a failed fetch does not wait for another).
   */
  priors: { priors: Priors | null; key: string | null; etag: string | null; fetchedAt: number; askedFor?: string | undefined; schema: number };
  /** Device-local random seed for experiment buckets, variants and exploration. Never sent. */
  seed: number;
  /** Categories the shopper muted: never used, never shown. */
  muted: string[];
  /** The last decision per slot, so a page can paint before the engine is warm. */
  decisions: Record<string, Decision[]>;
  /**
   * The report domain ((offer, variant) pairs in catalog order) of earlier catalog versions,
   * by version, newest last: exposures made under a version the engine no longer serves are
   * still reported against it. Kept with measurement consent only, for a few versions.
   */
  reportDomains: Record<string, [offer: string, variant: string][]>;
}

/** The object stores (README, "What is stored where"). */
export const STORE_NAMES = ['signals', 'profile', 'cart', 'exposures', 'outbox', 'meta'] as const;
/** One object store, by name. */
export type StoreName = (typeof STORE_NAMES)[number];

/**
 * Checks the consent decision stored on the device inside the write's own transaction, so a
 * tab still running under an older decision cannot write what another tab just withdrew.
 */
export type Guard = (stored: ConsentState | undefined) => boolean;

/** Bounds on the raw signal ring. */
export interface Retention {
  maxSignals: number;
  maxAgeDays: number;
}

/**
 * What the engine needs from storage. Two implementations: IndexedDB (worker/storage/idb.ts) and
 * memory (worker/storage/memory.ts), with the same semantics so the engine never branches on which.
 * Every write that keeps something takes a {@link Guard}, checked against the stored decision
 * inside its transaction (worker/purposes.ts has one per kind of data, and `keptAnyway` for
 * what `necessary` keeps): a write without one does not compile. Erasures take none.
 */
export interface Store {
  readonly kind: StorageKind;
  /**
   * Appends signals, updates the profile from them and enforces retention, atomically.
   * @param update derives the new profile from the stored one (pure and synchronous)
   */
  appendSignals(events: TrackEvent[], retention: Retention, now: number, update: (p: Profile | undefined) => Profile, guard: Guard): Promise<void>;
  /** Drops signals older than the retention age. */
  prune(retention: Retention, now: number): Promise<void>;
  getProfile(): Promise<Profile | undefined>;
  get<K extends keyof Documents>(name: K): Promise<Documents[K] | undefined>;
  /**
   * Reads, changes and writes the cart or the outbox in one transaction, so changes from two
   * tabs both land.
   * @param change returns the new record, or undefined to delete it (pure and synchronous)
   */
  update<K extends keyof Documents>(name: K, change: (current: Documents[K] | undefined) => Documents[K] | undefined, guard: Guard): Promise<Documents[K] | undefined>;
  getMeta<K extends keyof MetaValues>(key: K): Promise<MetaValues[K] | undefined>;
  setMeta<K extends keyof MetaValues>(key: K, value: MetaValues[K], guard: Guard): Promise<void>;
  deleteMeta(keys: (keyof MetaValues)[]): Promise<void>;
  /** Puts the profile, replacing it (mute and prefer edit it directly). */
  putProfile(profile: Profile, guard: Guard): Promise<void>;
  addExposure(record: ExposureRecord, guard: Guard): Promise<void>;
  /** Deletes the raw signals `matches` picks (a muted category's). */
  deleteSignals(matches: (signal: SignalRecord) => boolean): Promise<void>;
  /** Exposures at or after `since`, oldest first. */
  exposuresSince(since: number): Promise<ExposureRecord[]>;
  /** Drops exposures before `before`. */
  pruneExposures(before: number): Promise<void>;
  count(name: StoreName): Promise<number>;
  clear(names: readonly StoreName[]): Promise<void>;
  dump(): Promise<Record<StoreName, unknown[]>>;
  /** Erases everything, including the database itself. */
  destroy(): Promise<void>;
  /** Stops: no call is taken any more, and the connection closes once the transactions under way have ended. */
  close(): Promise<void>;
  /** Another tab changed the stored profile: a copy kept in memory is dropped (worker/storage/profile-copy.ts). */
  profileChangedElsewhere?(): void;
}

/** The cutoff time below which signals are too old to keep. */
export function signalCutoff(retention: Retention, now: number): number {
  return now - retention.maxAgeDays * DAY_MS;
}

/** The error a guarded write throws when the stored decision forbids it. */
export function consentRequired(what: string): VitrineError {
  return new VitrineError('consent-required', `${what}: the stored consent decision no longer allows it`);
}
