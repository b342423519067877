import { VitrineError, isVitrineError } from '../../src/protocol/errors';
import { withTimeout } from '../../src/protocol/timeout';
import type { Profile } from '../profile';
import { settled } from './requests';
import type { CartRecord, ExposureRecord, MetaValues, OutboxRecord, SignalRecord } from './store';

/*
 * The site's IndexedDB database: its name, its schema and migrations, and opening it.
 * worker/storage/idb.ts is the store on it.
 */

/** Every Vitrine database is named `vitrine:<siteId>`, so two shops on one origin stay apart. */
export const DB_NAME = 'vitrine';

/**
 * @param siteId the merchant's site id
 * @returns the database name for that site
 */
export function databaseName(siteId: string): string {
  return `${DB_NAME}:${siteId}`;
}

/** The schema version this code writes. Bump it with a new entry in {@link MIGRATIONS}. */
export const DB_VERSION = 1;

/** What each store holds (README, "What is stored where"). */
export interface VitrineDB {
  signals: SignalRecord;
  profile: Profile;
  cart: CartRecord;
  exposures: ExposureRecord;
  outbox: OutboxRecord;
  meta: { key: string; value: MetaValues[keyof MetaValues] };
}

type Db = IDBDatabase;
type UpgradeTx = IDBTransaction;

/**
 * One step per schema version: `MIGRATIONS[n]` upgrades a database at version n to n + 1.
 * Steps only ever get appended, so a database at any old version walks the same path.
 */
export const MIGRATIONS: readonly ((db: Db, tx: UpgradeTx) => void)[] = [
  // 0 → 1: the stores the README lists ("What is stored where").
  (db) => {
    const signals = db.createObjectStore('signals', { keyPath: 'id', autoIncrement: true });
    signals.createIndex('at', 'at');
    db.createObjectStore('profile');
    db.createObjectStore('cart', { keyPath: 'id' });
    const exposures = db.createObjectStore('exposures', { keyPath: 'id', autoIncrement: true });
    exposures.createIndex('offer', 'offer');
    exposures.createIndex('at', 'at');
    db.createObjectStore('outbox', { keyPath: 'id' });
    db.createObjectStore('meta', { keyPath: 'key' });
  },
];

/**
 * Applies the migration steps from `oldVersion` up to `newVersion`.
 * @param db the database in its `versionchange` transaction
 * @param oldVersion the version found on the device (0 for none)
 * @param newVersion the version being opened
 * @param tx the upgrade transaction
 */
export function upgrade(db: Db, oldVersion: number, newVersion: number, tx: UpgradeTx): void {
  for (let v = oldVersion; v < newVersion; v++) MIGRATIONS[v]!(db, tx);
}

// Only a closed connection is worth a reopen; TransactionInactiveError is a bug to surface.
export function isConnectionLost(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'InvalidStateError';
}

/**
 * Whether the database exists, without creating it. Where the browser cannot tell
 * (no `indexedDB.databases()`), assumes it does.
 */
export async function databaseExists(name: string, timeoutMs: number): Promise<boolean> {
  if (typeof indexedDB === 'undefined') return false;
  if (typeof indexedDB.databases !== 'function') return true;
  try {
    const all = await withTimeout(indexedDB.databases(), timeoutMs, 'storage-timeout', 'indexedDB.databases()');
    return all.some((d) => d.name === name);
  } catch {
    return true;
  }
}

export function storageError(error: unknown, what: string): VitrineError {
  if (isVitrineError(error)) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new VitrineError('storage-failed', `${what}: ${detail}`);
}

/**
 * Opens the database, or rejects within `timeoutMs` (never answers, blocked upgrade,
 * VersionError from a newer schema, IndexedDB missing). A connection that arrives after the
 * timeout is closed at once.
 * @param name the database name
 * @param timeoutMs how long opening may take
 * @param onLost called when the browser closes the connection or another tab needs a newer version
 * @returns the open database
 */
export async function openDatabase(name: string, timeoutMs: number, onLost: (deleted: boolean) => void): Promise<Db> {
  if (typeof indexedDB === 'undefined') throw new VitrineError('storage-failed', 'IndexedDB is not available here');
  let gaveUp = false;
  try {
    // open itself throws where IndexedDB is forbidden (SecurityError in some private modes).
    // Another tab that runs an older version and will not close blocks it: the timeout gives up.
    const request = indexedDB.open(name, DB_VERSION);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion, event.newVersion ?? DB_VERSION, request.transaction!);
    const opening = settled(request);
    opening.then(
      (db) => {
        if (gaveUp) return db.close();
        // Another tab deletes the database (privacy.forget) or a newer SDK upgrades it: let it.
        db.onversionchange = (event) => {
          db.close();
          onLost(event.newVersion === null);
        };
        db.onclose = () => onLost(false);
      },
      () => undefined,
    );
    return await withTimeout(opening, timeoutMs, 'storage-timeout', `indexedDB.open(${JSON.stringify(name)})`);
  } catch (error) {
    gaveUp = true;
    throw storageError(error, `indexedDB.open(${JSON.stringify(name)})`);
  }
}
