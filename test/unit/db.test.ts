import { beforeEach, describe, expect, it } from 'vitest';
import { createIdbStore } from '../../worker/storage/idb';
import { DB_VERSION, MIGRATIONS, upgrade } from '../../worker/storage/database';
import { MAX_EXPOSURES, STORE_NAMES, type Store } from '../../worker/storage/store';
import { createMemoryStore } from '../../worker/storage/memory';
import { updateProfile } from '../../worker/profile';
import { keptAnyway } from '../../worker/purposes';
import type { TrackEvent } from '../../src/protocol/events';
import { forceClose, freshIndexedDB, openRaw } from './idb';
import { settled } from '../../worker/storage/requests';

const NAME = 'vitrine:test';
const T = Date.now();
const view = (i: number, at = T): TrackEvent => ({ type: 'product_view', at, payload: { sku: `S${i}`, category: 'c' } });
const retention = { maxSignals: 5, maxAgeDays: 30 };

async function append(store: Store, events: TrackEvent[]) {
  await store.appendSignals(events, retention, T, (p) => updateProfile(p, events), keptAnyway);
}

let env: ReturnType<typeof freshIndexedDB>;
beforeEach(() => {
  env = freshIndexedDB();
});

describe('schema and migrations', () => {
  it('has one migration step per version', () => {
    expect(MIGRATIONS).toHaveLength(DB_VERSION);
  });

  it('creates every store the README lists in a new database', async () => {
    const store = await createIdbStore(NAME, 1000);
    store.close();
    const db = await openRaw(NAME);
    expect([...db.objectStoreNames].sort()).toEqual([...STORE_NAMES].sort());
    expect(db.version).toBe(DB_VERSION);
    db.close();
  });

  it('upgrades a database from every older version, keeping what it holds', async () => {
    const olderVersions = Array.from({ length: DB_VERSION }, (_, v) => v);
    expect(olderVersions).toContain(0);
    for (const old of olderVersions) {
      const name = `${NAME}-from-${old}`;
      if (old > 0) {
        // Build the database exactly as that older version left it, with data in it.
        const db = await openRaw(name, old, (d, o, tx) => upgrade(d, o, old, tx));
        await settled(
          db
            .transaction('meta', 'readwrite')
            .objectStore('meta')
            .put({ key: 'consent', value: { decided: true } }),
        );
        db.close();
      }
      const store = await createIdbStore(name, 1000);
      if (old > 0) expect(await store.getMeta('consent')).toEqual({ decided: true });
      for (const s of STORE_NAMES) expect(await store.count(s)).toBe(0 + (old > 0 && s === 'meta' ? 1 : 0));
      store.close();
    }
  });

  it('refuses a database written by a newer version and leaves its data alone', async () => {
    const future = await openRaw(NAME, DB_VERSION + 1, (db) => void db.createObjectStore('future').put('keep me', 'k'));
    future.close();
    await expect(createIdbStore(NAME, 1000)).rejects.toMatchObject({ code: 'storage-failed', message: expect.stringMatching(/VersionError/) });
    const again = await openRaw(NAME, DB_VERSION + 1);
    expect(await settled(again.transaction('future').objectStore('future').get('k'))).toBe('keep me');
    again.close();
  });
});

describe('signals ring', () => {
  it('keeps at most maxSignals, dropping the oldest', async () => {
    const store = await createIdbStore(NAME, 1000);
    await append(store, [view(1), view(2), view(3)]);
    await append(store, [view(4), view(5), view(6), view(7)]);
    const { signals } = await store.dump();
    expect(signals.map((s) => (s as TrackEvent & { payload: { sku: string } }).payload.sku)).toEqual(['S3', 'S4', 'S5', 'S6', 'S7']);
    store.close();
  });

  it('drops signals older than maxAgeDays', async () => {
    const store = await createIdbStore(NAME, 1000);
    const old = T - 31 * 86_400_000;
    await append(store, [view(1, old), view(2)]);
    await store.prune(retention, T);
    expect(await store.count('signals')).toBe(1);
    store.close();
  });

  it('updates the profile in the same transaction as the signals', async () => {
    const store = await createIdbStore(NAME, 1000);
    await append(store, [view(1), view(2)]);
    expect((await store.getProfile())?.events).toBe(2);
    store.close();
  });
});

describe('exposures', () => {
  it.each([
    ['IndexedDB', () => createIdbStore(NAME, 1000)],
    ['memory', async () => createMemoryStore()],
  ])('keeps at most MAX_EXPOSURES in %s, dropping the oldest impressions and never a dismissal', async (_, open) => {
    const store = await open();
    const exposure = (i: number, kind: 'impression' | 'dismiss' = 'impression') => ({ offer: `o${i}`, variant: 'default', arm: 'personalized' as const, slot: 'hero', kind, at: T + i });
    await store.addExposure(exposure(-1, 'dismiss'), keptAnyway);
    // Written newest first for a few, so "oldest" means the earliest time, not the first written.
    for (const i of [2, 1, 0]) await store.addExposure(exposure(i), keptAnyway);
    for (let i = 3; i < MAX_EXPOSURES + 5; i++) await store.addExposure(exposure(i), keptAnyway);
    const kept = await store.exposuresSince(0);
    expect(kept).toHaveLength(MAX_EXPOSURES);
    expect(kept[0]).toMatchObject({ kind: 'dismiss', at: T - 1 });
    expect(kept[1]!.at).toBe(T + 6);
    expect(kept.at(-1)!.at).toBe(T + MAX_EXPOSURES + 4);
    store.close();
  });
});

describe('failures', () => {
  it('rejects with storage-failed when indexedDB.open throws', async () => {
    env.factory.open = () => {
      throw new DOMException('denied', 'SecurityError');
    };
    await expect(createIdbStore(NAME, 1000)).rejects.toMatchObject({ code: 'storage-failed', message: expect.stringContaining('SecurityError') });
  });

  it('rejects with storage-timeout when indexedDB.open never answers', async () => {
    // A request whose events never come (a browser that hangs on open).
    env.factory.open = () => ({}) as IDBOpenDBRequest;
    await expect(createIdbStore(NAME, 50)).rejects.toMatchObject({ code: 'storage-timeout' });
  });

  it('reopens a connection the browser closed, once, and carries on', async () => {
    const store = await createIdbStore(NAME, 1000);
    await store.setMeta('consent', { decided: true } as never, keptAnyway);
    forceClose(env.connections[0]!);
    expect(await store.getMeta('consent')).toEqual({ decided: true });
    expect(env.connections).toHaveLength(2);
    store.close();
  });

  it('destroy erases the data and deletes the database', async () => {
    const store = await createIdbStore(NAME, 1000);
    await append(store, [view(1)]);
    await store.destroy();
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(NAME);
  });
});
