import type { TrackEvent } from '../src/protocol/events';
import type { CartLine } from '../src/protocol/cart';
import type { ConsentState } from '../src/protocol/consent';
import type { StorageKind } from '../src/protocol/engine';
import type { Profile } from './profile';

/** A raw signal as kept in the bounded `signals` ring. */
export type SignalRecord = TrackEvent & { id?: number };

/** The cart as persisted: one record, replaced atomically. */
export interface CartRecord {
  id: 'current';
  lines: CartLine[];
  updatedAt: number;
}

/** One impression, click or dismissal of an offer (frequency caps and attribution). */
export interface ExposureRecord {
  id?: number;
  offer: string;
  variant: string;
  kind: 'impression' | 'click' | 'dismiss';
  at: number;
}

/** A report waiting for the collector's acknowledgement. */
export interface OutboxRecord {
  id: string;
  body: string;
  createdAt: number;
  attempts: number;
}

/** Values kept in `meta`, by key. */
export interface MetaValues {
  consent: ConsentState;
}

/** The object stores of DESIGN.md §4. */
export const STORE_NAMES = ['signals', 'profile', 'cart', 'exposures', 'outbox', 'meta'] as const;
export type StoreName = (typeof STORE_NAMES)[number];

/** Bounds on the raw signal ring. */
export interface Retention {
  maxSignals: number;
  maxAgeDays: number;
}

/**
 * What the engine needs from storage. Two implementations: IndexedDB (worker/db.ts) and
 * memory (worker/memory.ts), with the same semantics so the engine never branches on which.
 */
export interface Store {
  readonly kind: StorageKind;
  /**
   * Appends signals, updates the profile from them and enforces retention, atomically.
   * @param update derives the new profile from the stored one (pure and synchronous)
   */
  appendSignals(events: TrackEvent[], retention: Retention, now: number, update: (p: Profile | undefined) => Profile): Promise<void>;
  /** Drops signals older than the retention age. */
  prune(retention: Retention, now: number): Promise<void>;
  getProfile(): Promise<Profile | undefined>;
  getCart(): Promise<CartRecord | undefined>;
  /**
   * Reads, changes and writes the cart in one transaction, so edits from two tabs both land.
   * @param change returns the new record, or undefined to delete it (pure and synchronous)
   */
  updateCart(change: (current: CartRecord | undefined) => CartRecord | undefined): Promise<CartRecord | undefined>;
  getMeta<K extends keyof MetaValues>(key: K): Promise<MetaValues[K] | undefined>;
  setMeta<K extends keyof MetaValues>(key: K, value: MetaValues[K]): Promise<void>;
  count(name: StoreName): Promise<number>;
  clear(names: readonly StoreName[]): Promise<void>;
  dump(): Promise<Record<StoreName, unknown[]>>;
  /** Erases everything, including the database itself. */
  destroy(): Promise<void>;
  close(): void;
}

/** The cutoff time below which signals are too old to keep. */
export function signalCutoff(retention: Retention, now: number): number {
  return now - retention.maxAgeDays * 86_400_000;
}
