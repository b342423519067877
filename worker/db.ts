import { openDB, deleteDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { VitrineError } from '../src/protocol/errors';
import { withTimeout } from '../src/protocol/timeout';
import type { Profile } from './profile';
import {
  STORE_NAMES, signalCutoff,
  type CartRecord, type ExposureRecord, type MetaValues, type OutboxRecord, type SignalRecord, type Store, type StoreName,
} from './store';

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

/** The typed IndexedDB schema (DESIGN.md §4). */
export interface VitrineDB extends DBSchema {
  signals: { key: number; value: SignalRecord; indexes: { at: number } };
  profile: { key: string; value: Profile };
  cart: { key: string; value: CartRecord };
  exposures: { key: number; value: ExposureRecord; indexes: { offer: string; at: number } };
  outbox: { key: string; value: OutboxRecord };
  meta: { key: string; value: { key: string; value: MetaValues[keyof MetaValues] } };
}

type Db = IDBPDatabase<VitrineDB>;
type UpgradeTx = IDBPTransaction<VitrineDB, StoreNames<VitrineDB>[], 'versionchange'>;

/**
 * One step per schema version: `MIGRATIONS[n]` upgrades a database at version n to n + 1.
 * Steps only ever get appended, so a database at any old version walks the same path.
 */
export const MIGRATIONS: readonly ((db: Db, tx: UpgradeTx) => void)[] = [
  // 0 → 1: the stores of DESIGN.md §4.
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

function isConnectionLost(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'InvalidStateError' || name === 'TransactionInactiveError';
}

function storageError(error: unknown, what: string): VitrineError {
  if (error instanceof VitrineError) return error;
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
export async function openDatabase(name: string, timeoutMs: number, onLost: () => void): Promise<Db> {
  if (typeof indexedDB === 'undefined') throw new VitrineError('storage-failed', 'IndexedDB is not available here');
  let gaveUp = false;
  let opened: Db | undefined;
  try {
    // openDB itself throws where IndexedDB is forbidden (SecurityError in some private modes).
    const opening = openDB<VitrineDB>(name, DB_VERSION, {
      upgrade: (db, oldVersion, newVersion, tx) => upgrade(db, oldVersion, newVersion ?? DB_VERSION, tx),
      // Another tab runs an older version and will not close: the timeout below gives up.
      blocked: () => undefined,
      // A newer version of the SDK in another tab wants to upgrade: let it.
      blocking: () => {
        opened?.close();
        onLost();
      },
      terminated: onLost,
    });
    opening.then((db) => {
      opened = db;
      if (gaveUp) db.close();
    }, () => undefined);
    return await withTimeout(opening, timeoutMs, 'storage-timeout', `indexedDB.open(${JSON.stringify(name)})`);
  } catch (error) {
    gaveUp = true;
    throw storageError(error, `indexedDB.open(${JSON.stringify(name)})`);
  }
}

/**
 * The IndexedDB store: the only module that imports `idb`.
 * @param name the database name
 * @param timeoutMs timeout for opening and for every call
 * @returns an open store
 * @throws VitrineError `storage-failed` or `storage-timeout` when IndexedDB cannot be used
 */
export async function createIdbStore(name: string, timeoutMs: number): Promise<Store> {
  let db: Db | undefined;
  const lost = () => {
    db = undefined;
  };
  db = await openDatabase(name, timeoutMs, lost);

  // Every call gets a timeout; a lost connection is reopened once, then the call is retried.
  async function run<T>(what: string, fn: (db: Db) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (!db) db = await openDatabase(name, timeoutMs, lost);
        return await withTimeout(fn(db), timeoutMs, 'storage-timeout', what);
      } catch (error) {
        if (attempt === 0 && isConnectionLost(error)) {
          db = undefined;
          continue;
        }
        throw storageError(error, what);
      }
    }
  }

  const store: Store = {
    kind: 'indexeddb',
    appendSignals: (events, retention, _now, update) =>
      run('appendSignals', async (db) => {
        const tx = db.transaction(['signals', 'profile'], 'readwrite');
        const signals = tx.objectStore('signals');
        const profiles = tx.objectStore('profile');
        const next = update(await profiles.get('current'));
        void profiles.put(next, 'current');
        for (const e of events) void signals.add(e);
        const excess = (await signals.count()) - retention.maxSignals;
        if (excess > 0) {
          let cursor = await signals.openCursor();
          for (let i = 0; cursor && i < excess; i++) {
            void cursor.delete();
            cursor = await cursor.continue();
          }
        }
        await tx.done;
      }),
    prune: (retention, now) =>
      run('prune', async (db) => {
        const tx = db.transaction('signals', 'readwrite');
        let cursor = await tx.store.index('at').openCursor(IDBKeyRange.upperBound(signalCutoff(retention, now), true));
        while (cursor) {
          void cursor.delete();
          cursor = await cursor.continue();
        }
        await tx.done;
      }),
    getProfile: () => run('getProfile', (db) => db.get('profile', 'current')),
    getCart: () => run('getCart', (db) => db.get('cart', 'current')),
    updateCart: (change) =>
      run('updateCart', async (db) => {
        const tx = db.transaction('cart', 'readwrite');
        const next = change(await tx.store.get('current'));
        if (next) void tx.store.put(next);
        else void tx.store.delete('current');
        await tx.done;
        return next;
      }),
    getMeta: (key) =>
      run('getMeta', async (db) => (await db.get('meta', key))?.value as never),
    setMeta: (key, value) =>
      run('setMeta', async (db) => {
        await db.put('meta', { key, value });
      }),
    count: (storeName) => run('count', (db) => db.count(storeName)),
    clear: (names) =>
      run('clear', async (db) => {
        const tx = db.transaction([...names], 'readwrite');
        for (const n of names) void tx.objectStore(n).clear();
        await tx.done;
      }),
    dump: () =>
      run('dump', async (db) => {
        const tx = db.transaction([...STORE_NAMES], 'readonly');
        const out = {} as Record<StoreName, unknown[]>;
        for (const n of STORE_NAMES) out[n] = await tx.objectStore(n).getAll();
        await tx.done;
        return out;
      }),
    async destroy() {
      // Clear first, so the data is gone even if another tab blocks the deletion.
      await store.clear(STORE_NAMES);
      db?.close();
      db = undefined;
      await withTimeout(deleteDB(name), timeoutMs, 'storage-timeout', 'deleteDatabase').catch(() => undefined);
    },
    close() {
      db?.close();
      db = undefined;
    },
  };
  return store;
}
