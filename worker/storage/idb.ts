import { openDB, deleteDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { VitrineError, isVitrineError } from '../../src/protocol/errors';
import { withTimeout } from '../../src/protocol/timeout';
import type { Profile } from '../profile';
import { EXPOSURE_BYTES, createTotals, keepWithin, signalBytes } from './budget';
import {
  MAX_EXPOSURES, STORE_NAMES, consentRequired, signalCutoff,
  type CartRecord, type ExposureRecord, type Guard, type MetaValues, type OutboxRecord, type SignalRecord, type Store, type StoreName,
} from './store';
import type { ConsentState } from '../../src/protocol/consent';

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

/** The typed IndexedDB schema (README, "What is stored where"). */
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
function isConnectionLost(error: unknown): boolean {
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

/** Throws `consent-required` inside a transaction when the stored decision does not allow a write. */
async function check(meta: { get(key: string): Promise<{ value: unknown } | undefined> }, guard: Guard, what: string): Promise<void> {
  const consent = (await meta.get('consent'))?.value as ConsentState | undefined;
  if (!guard(consent)) throw consentRequired(what);
}

function storageError(error: unknown, what: string): VitrineError {
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
  let opened: Db | undefined;
  try {
    // openDB itself throws where IndexedDB is forbidden (SecurityError in some private modes).
    const opening = openDB<VitrineDB>(name, DB_VERSION, {
      upgrade: (db, oldVersion, newVersion, tx) => upgrade(db, oldVersion, newVersion ?? DB_VERSION, tx),
      // Another tab runs an older version and will not close: the timeout below gives up.
      blocked: () => undefined,
      // Another tab deletes the database (privacy.forget) or a newer SDK upgrades it: let it.
      blocking: (_current, next) => {
        opened?.close();
        onLost(next === null);
      },
      terminated: () => onLost(false),
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
  // Once closed or deleted, the store never reopens: a late write must not recreate erased data.
  let ended: string | undefined;
  const lost = (deleted: boolean) => {
    db = undefined;
    if (deleted) ended = 'the database was deleted';
  };
  db = await openDatabase(name, timeoutMs, lost);

  // Every call gets a timeout; a lost connection is reopened once, then the call is retried.
  async function run<T>(what: string, fn: (db: Db) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (ended) throw new VitrineError('storage-failed', `${what}: ${ended}`);
        if (!db) db = await openDatabase(name, timeoutMs, lost);
        return await withTimeout(fn(db), timeoutMs, 'storage-timeout', what);
      } catch (error) {
        if (attempt === 0 && isConnectionLost(error)) {
          db = undefined;
          continue;
        }
        if (isVitrineError(error) && error.code === 'consent-required') throw error;
        throw storageError(error, what);
      }
    }
  }

  const totals = createTotals();
  const store: Store = {
    kind: 'indexeddb',
    appendSignals: (events, retention, _now, update, guard) =>
      run('appendSignals', async (db) => {
        const tx = db.transaction(['signals', 'profile', 'meta'], 'readwrite');
        const signals = tx.objectStore('signals');
        const profiles = tx.objectStore('profile');
        await check(tx.objectStore('meta'), guard, 'appendSignals');
        const next = update(await profiles.get('current'));
        void profiles.put(next, 'current');
        for (const e of events) void signals.add(e);
        const total = await totals.of('signals', await signals.count(), events, () => signals.getAll());
        totals.set('signals', await keepWithin(() => signals.openCursor(), total, retention.maxSignals, signalBytes(retention)));
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
    get: (name) => run('get', (db) => db.get(name, 'current') as never),
    update: (name, change, guard) =>
      run(`update ${name}`, async (db) => {
        const tx = db.transaction([name, 'meta'], 'readwrite');
        const records = tx.objectStore(name);
        await check(tx.objectStore('meta'), guard, `update ${name}`);
        const next = change((await records.get('current')) as never);
        if (next) void records.put(next);
        else void records.delete('current');
        await tx.done;
        return next;
      }),
    getMeta: (key) =>
      run('getMeta', async (db) => (await db.get('meta', key))?.value as never),
    setMeta: (key, value, guard) =>
      run('setMeta', async (db) => {
        const tx = db.transaction('meta', 'readwrite');
        await check(tx.store, guard, 'setMeta');
        void tx.store.put({ key, value });
        await tx.done;
      }),
    deleteMeta: (keys) =>
      run('deleteMeta', async (db) => {
        const tx = db.transaction('meta', 'readwrite');
        for (const key of keys) void tx.store.delete(key);
        await tx.done;
      }),
    putProfile: (profile, guard) =>
      run('putProfile', async (db) => {
        const tx = db.transaction(['profile', 'meta'], 'readwrite');
        await check(tx.objectStore('meta'), guard, 'putProfile');
        void tx.objectStore('profile').put(profile, 'current');
        await tx.done;
      }),
    addExposure: (record, guard) =>
      run('addExposure', async (db) => {
        const tx = db.transaction(['exposures', 'meta'], 'readwrite');
        await check(tx.objectStore('meta'), guard, 'addExposure');
        const exposures = tx.objectStore('exposures');
        void exposures.add(record);
        // Over the count, the oldest impressions go (clicks, dismissals and conversions stay); over the bytes, the oldest.
        const total = await totals.of('exposures', await exposures.count(), [record], () => exposures.getAll());
        totals.set('exposures', await keepWithin(() => exposures.index('at').openCursor(), total, MAX_EXPOSURES, EXPOSURE_BYTES, (e) => e.kind === 'impression'));
        await tx.done;
      }),
    deleteSignals: (matches) =>
      run('deleteSignals', async (db) => {
        const tx = db.transaction('signals', 'readwrite');
        let cursor = await tx.store.openCursor();
        while (cursor) {
          if (matches(cursor.value)) void cursor.delete();
          cursor = await cursor.continue();
        }
        await tx.done;
      }),
    exposuresSince: (since) => run('exposuresSince', (db) => db.getAllFromIndex('exposures', 'at', IDBKeyRange.lowerBound(since))),
    pruneExposures: (before) =>
      run('pruneExposures', async (db) => {
        const tx = db.transaction('exposures', 'readwrite');
        let cursor = await tx.store.index('at').openCursor(IDBKeyRange.upperBound(before, true));
        while (cursor) {
          void cursor.delete();
          cursor = await cursor.continue();
        }
        await tx.done;
      }),
    count: (storeName) => run('count', (db) => db.count(storeName)),
    clear: async (names) =>
      !names.length ? undefined : run('clear', async (db) => {
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
      // Clear first, so the data is gone even while another tab still blocks the deletion.
      await store.clear(STORE_NAMES);
      db?.close();
      db = undefined;
      ended = 'the database was deleted';
      // The other tabs close their connections when they hear of it; until then the
      // deletion waits, with the data already cleared.
      await withTimeout(deleteDB(name), timeoutMs, 'storage-timeout', 'deleteDatabase').catch(() => undefined);
    },
    close() {
      db?.close();
      db = undefined;
      ended = 'the store was closed';
    },
  };
  return store;
}
