import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIdbStore } from '../../worker/storage/idb';
import { profileCopy } from '../../worker/storage/profile-copy';
import { settled } from '../../worker/storage/requests';
import type { Store } from '../../worker/storage/store';
import { emptyProfile, updateProfile, type Profile } from '../../worker/profile';
import { keptAnyway } from '../../worker/purposes';
import type { TrackEvent } from '../../src/protocol/events';
import { freshIndexedDB, openRaw } from './idb';

// The profile each tab's IndexedDB store keeps in memory (worker/storage/profile-copy.ts): a
// decision reads no storage, and a change made in another tab drops every other copy. Here
// the stores tell each other directly; test/unit/decide.test.ts runs it through the engines'
// real tab channel.
const NAME = 'vitrine:profile-copy';
const T = Date.now();
const view = (sku: string, category: string): TrackEvent => ({ type: 'product_view', at: T, payload: { sku, category } });
const retention = { maxSignals: 50, maxAgeDays: 30 };
const append = (store: Store, events: TrackEvent[]) => store.appendSignals(events, retention, T, (p) => updateProfile(p, events), keptAnyway);
const categories = (p: Profile | undefined) => Object.keys(p?.categories ?? {}).sort();

/** Writes the stored profile behind every store's back, as no SDK code does. */
async function writeBehindTheirBacks(profile: Profile): Promise<void> {
  const db = await openRaw(NAME);
  await settled(db.transaction('profile', 'readwrite').objectStore('profile').put(profile, 'current'));
  db.close();
}

const planted = { ...emptyProfile(T), categories: { planted: { score: 1, at: T } } } as Profile;
let stores: Store[] = [];
/** A tab's store; `live: false` is a browser whose tabs cannot hear each other. */
const open = async (live = true) => {
  const store: Store = await createIdbStore(NAME, 1000, {
    live: () => live,
    changed: () => {
      for (const other of stores) if (other !== store) other.profileChangedElsewhere?.();
    },
  });
  stores.push(store);
  return store;
};

beforeEach(() => {
  freshIndexedDB();
});
afterEach(() => {
  for (const s of stores) s.close();
  stores = [];
});

describe('the profile kept in memory', () => {
  it('answers from memory once read or written: storage is not read again', async () => {
    const tab = await open();
    await append(tab, [view('S1', 'trail')]);
    await writeBehindTheirBacks(planted);
    expect(categories(await tab.getProfile())).toEqual(['trail']);
  });

  it('keeps nothing where the other tabs could not say they changed it', async () => {
    const tab = await open(false);
    await append(tab, [view('S1', 'trail')]);
    await writeBehindTheirBacks(planted);
    expect(categories(await tab.getProfile())).toEqual(['planted']);
  });

  it("takes another tab's change: signals, an erasure", async () => {
    const [a, b] = [await open(), await open()];
    await append(a, [view('S1', 'trail')]);
    expect(categories(await a.getProfile())).toEqual(['trail']);
    await append(b, [view('S2', 'yoga')]);
    expect(categories(await a.getProfile())).toEqual(['trail', 'yoga']);
    await b.clear(['profile']);
    expect(await a.getProfile()).toBeUndefined();
  });

  it('is read without a transaction, yet a closed store answers from it no more', async () => {
    const tab = await open();
    await append(tab, [view('S1', 'trail')]);
    // Read from memory: no transaction is started, and no timer for one.
    const transactions = vi.spyOn(IDBDatabase.prototype, 'transaction');
    const timers = vi.spyOn(globalThis, 'setTimeout');
    expect(categories(await tab.getProfile())).toEqual(['trail']);
    expect(transactions).not.toHaveBeenCalled();
    expect(timers).not.toHaveBeenCalled();
    transactions.mockRestore();
    timers.mockRestore();
    await tab.close();
    await expect(tab.getProfile()).rejects.toMatchObject({ code: 'storage-failed', message: expect.stringContaining('the store was closed') });
  });

  it('does not keep a read that was under way when another tab changed the profile', async () => {
    const copy = profileCopy({ live: () => true, changed: () => undefined });
    let finish!: (p: Profile) => void;
    const stale = copy.read(() => new Promise((resolve) => (finish = resolve)));
    copy.heard();
    finish(emptyProfile(1));
    expect((await stale)?.firstSeen).toBe(1);
    const load = vi.fn(async () => emptyProfile(2));
    expect((await copy.read(load))?.firstSeen).toBe(2);
    expect((await copy.read(load))?.firstSeen).toBe(2);
    expect(load).toHaveBeenCalledTimes(1);
  });
});
