import { VitrineError, isVitrineError } from '../../src/protocol/errors';
import { withTimeout } from '../../src/protocol/timeout';
import { EXPOSURE_BYTES, createTotals, keepWithin, signalBytes } from './budget';
import { cursorOf, settled, startTransaction } from './requests';
import { profileCopy, type ProfileLine } from './profile-copy';
import type { Profile } from '../profile';
import { MAX_EXPOSURES, STORE_NAMES, consentRequired, signalCutoff, type ExposureRecord, type Guard, type SignalRecord, type Store, type StoreName } from './store';
import type { ConsentState } from '../../src/protocol/consent';
import { isConnectionLost, openDatabase, storageError, type VitrineDB } from './database';

type Db = IDBDatabase;

/** Throws `consent-required` inside a transaction when the stored decision does not allow a write. */
async function check(meta: IDBObjectStore, guard: Guard, what: string): Promise<void> {
  const consent = ((await settled(meta.get('consent'))) as VitrineDB['meta'] | undefined)?.value as ConsentState | undefined;
  if (!guard(consent)) throw consentRequired(what);
}

/** Deletes every record a cursor walks that `matches` picks, then waits for the commit. */
async function deleteEach(done: Promise<void>, request: IDBRequest<IDBCursorWithValue | null>, matches: (value: never) => boolean = () => true): Promise<void> {
  for (let cursor = await cursorOf<never>(request); cursor; cursor = await cursor.continue()) if (matches(cursor.value)) cursor.delete();
  await done;
}

/**
 * The IndexedDB store, on the database worker/storage/database.ts opens.
 * @param name the database name
 * @param timeoutMs timeout for opening and for every call
 * @param tabs how its copy of the profile hears of the other tabs (none: nothing is kept)
 * @returns an open store
 * @throws VitrineError `storage-failed` or `storage-timeout` when IndexedDB cannot be used
 */
export async function createIdbStore(name: string, timeoutMs: number, tabs: ProfileLine = { live: () => false, changed: () => undefined }): Promise<Store> {
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

  // Resolves once every transaction started so far has ended: the store closes only after
  // them. A Worker ended with one still open (the page closes the engine on an export's
  // answer) leaves WebKit's database impossible to delete or open again.
  let allEnded: Promise<unknown> = Promise.resolve();
  const begin = (db: Db, names: string | string[], mode?: IDBTransactionMode) => {
    const started = startTransaction(db, names, mode);
    allEnded = Promise.all([allEnded, started.done.catch(() => 0)]);
    return started;
  };
  /** Makes one request in a read-only transaction of its own. */
  const readOnly = <T>(db: Db, store: keyof VitrineDB, request: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => settled(request(begin(db, store, 'readonly').tx.objectStore(store)));
  /** Reads one record. */
  const read = <T>(db: Db, store: keyof VitrineDB, key: IDBValidKey): Promise<T | undefined> => readOnly(db, store, (s) => s.get(key));

  const totals = createTotals();
  const profile = profileCopy(tabs);
  const readProfile = () => run('getProfile', (db) => read<Profile>(db, 'profile', 'current'));
  const store: Store = {
    kind: 'indexeddb',
    appendSignals: (events, retention, _now, update, guard) =>
      run('appendSignals', async (db) => {
        const { tx, done } = begin(db, ['signals', 'profile', 'meta']);
        const signals = tx.objectStore('signals');
        const profiles = tx.objectStore('profile');
        await check(tx.objectStore('meta'), guard, 'appendSignals');
        const next = update(await settled(profiles.get('current')));
        profiles.put(next, 'current');
        for (const e of events) signals.add(e);
        const total = await totals.of('signals', await settled(signals.count()), events, () => settled(signals.getAll()));
        totals.set('signals', await keepWithin(() => cursorOf<SignalRecord>(signals.openCursor()), total, retention.maxSignals, signalBytes(retention)));
        await done;
        profile.wrote(next);
      }),
    prune: (retention, now) =>
      run('prune', (db) => {
        const { tx, done } = begin(db, 'signals');
        return deleteEach(
          done,
          tx
            .objectStore('signals')
            .index('at')
            .openCursor(IDBKeyRange.upperBound(signalCutoff(retention, now), true)),
        );
      }),
    // The copy is read without a transaction and its timer; a closed or deleted store still fails as every call does.
    getProfile: () => (ended ? readProfile() : profile.read(readProfile)),
    profileChangedElsewhere: () => profile.heard(),
    get: (name) => run('get', (db) => read(db, name, 'current') as never),
    update: (name, change, guard) =>
      run(`update ${name}`, async (db) => {
        const { tx, done } = begin(db, [name, 'meta']);
        const records = tx.objectStore(name);
        await check(tx.objectStore('meta'), guard, `update ${name}`);
        const next = change((await settled(records.get('current'))) as never);
        if (next) records.put(next);
        else records.delete('current');
        await done;
        return next;
      }),
    getMeta: (key) => run('getMeta', async (db) => (await read<VitrineDB['meta']>(db, 'meta', key))?.value as never),
    setMeta: (key, value, guard) =>
      run('setMeta', async (db) => {
        const { tx, done } = begin(db, 'meta');
        const meta = tx.objectStore('meta');
        await check(meta, guard, 'setMeta');
        meta.put({ key, value });
        await done;
      }),
    deleteMeta: (keys) =>
      run('deleteMeta', (db) => {
        const { tx, done } = begin(db, 'meta');
        for (const key of keys) tx.objectStore('meta').delete(key);
        return done;
      }),
    putProfile: (next, guard) =>
      run('putProfile', async (db) => {
        const { tx, done } = begin(db, ['profile', 'meta']);
        await check(tx.objectStore('meta'), guard, 'putProfile');
        tx.objectStore('profile').put(next, 'current');
        await done;
        profile.wrote(next);
      }),
    addExposure: (record, guard) =>
      run('addExposure', async (db) => {
        const { tx, done } = begin(db, ['exposures', 'meta']);
        await check(tx.objectStore('meta'), guard, 'addExposure');
        const exposures = tx.objectStore('exposures');
        exposures.add(record);
        // Over the count, the oldest impressions go (clicks, dismissals and conversions stay); over the bytes, the oldest.
        const total = await totals.of('exposures', await settled(exposures.count()), [record], () => settled(exposures.getAll()));
        totals.set(
          'exposures',
          await keepWithin(
            () => cursorOf<ExposureRecord>(exposures.index('at').openCursor()),
            total,
            MAX_EXPOSURES,
            EXPOSURE_BYTES,
            (e) => e.kind === 'impression',
          ),
        );
        await done;
      }),
    deleteSignals: (matches) =>
      run('deleteSignals', (db) => {
        const { tx, done } = begin(db, 'signals');
        return deleteEach(done, tx.objectStore('signals').openCursor(), matches as (value: never) => boolean);
      }),
    exposuresSince: (since) => run('exposuresSince', (db) => readOnly(db, 'exposures', (s) => s.index('at').getAll(IDBKeyRange.lowerBound(since)))),
    pruneExposures: (before) =>
      run('pruneExposures', (db) => {
        const { tx, done } = begin(db, 'exposures');
        return deleteEach(done, tx.objectStore('exposures').index('at').openCursor(IDBKeyRange.upperBound(before, true)));
      }),
    count: (storeName) => run('count', (db) => readOnly(db, storeName, (s) => s.count())),
    clear: async (names) =>
      !names.length
        ? undefined
        : run('clear', async (db) => {
            const { tx, done } = begin(db, [...names] as string[]);
            for (const n of names) tx.objectStore(n).clear();
            await done;
            if (names.includes('profile')) profile.wrote(undefined);
          }),
    dump: () =>
      run('dump', async (db) => {
        const { tx } = begin(db, [...STORE_NAMES], 'readonly');
        const out = {} as Record<StoreName, unknown[]>;
        for (const n of STORE_NAMES) out[n] = await settled(tx.objectStore(n).getAll());
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
      await withTimeout(settled(indexedDB.deleteDatabase(name)), timeoutMs, 'storage-timeout', 'deleteDatabase').catch(() => undefined);
    },
    async close() {
      ended = 'the store was closed';
      await allEnded;
      db?.close();
      db = undefined;
    },
  };
  return store;
}
