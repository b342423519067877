import type { Retention } from './store';

/*
 * Byte budgets of the stores that grow with browsing (signals, exposures): besides their count
 * bound, what they hold is bounded in bytes, the oldest records going first, because the
 * validators let one signal be large (a purchase of 500 items with long fields).
 */

/** What a budget counts of a record: the length of its JSON, without its key. */
export function sizeOf(record: object): number {
  const { id: _key, ...rest } = record as { id?: unknown };
  return JSON.stringify(rest).length;
}

/** The signals' budget: 1 KiB a signal on average (a product view takes about 150 B), at most 16 MiB. */
export const signalBytes = (retention: Retention): number => Math.min(retention.maxSignals * 1024, 16 * 1024 * 1024);

/** The exposures' budget: about 250 B each at their most (ids of 100 characters), a typical one 150 B. */
export const EXPOSURE_BYTES = 512 * 1024;

/** A store's record count and bytes. */
export interface Total {
  count: number;
  bytes: number;
}

/** The cursor a trim walks, oldest record first (worker/storage/requests.ts makes one of an IndexedDB cursor). */
export interface OldestFirst<V> {
  value: V;
  delete(): unknown;
  continue(): Promise<OldestFirst<V> | null>;
}

/**
 * Deletes the oldest records until a store holds at most `maxCount` of them and `maxBytes`
 * bytes. Over the count only the records `spare` picks go (the oldest impressions); over the
 * bytes, any. Runs inside the write's transaction.
 * @returns the count and bytes left
 */
export async function keepWithin<V extends object>(
  oldest: () => Promise<OldestFirst<V> | null>,
  total: Total,
  maxCount: number,
  maxBytes: number,
  spare: (record: V) => boolean = () => true,
): Promise<Total> {
  let { count, bytes } = total;
  const over = () => count > maxCount || bytes > maxBytes;
  for (let cursor = over() ? await oldest() : null; cursor && over(); cursor = await cursor.continue()) {
    if (bytes > maxBytes || spare(cursor.value)) {
      void cursor.delete();
      count--;
      bytes -= sizeOf(cursor.value);
    }
  }
  return { count, bytes };
}

/**
 * The running byte totals of one connection's budgeted stores. A total is kept with the count
 * it was taken at; when the count says another tab (or a prune) changed the store meanwhile,
 * the store is read whole once to take it again.
 */
export function createTotals(): { of<V extends object>(name: string, count: number, added: readonly V[], all: () => Promise<V[]>): Promise<Total>; set(name: string, total: Total): void } {
  const known = new Map<string, Total>();
  const sum = (records: readonly object[]) => records.reduce((n, r) => n + sizeOf(r), 0);
  return {
    async of(name, count, added, all) {
      const k = known.get(name);
      return { count, bytes: k && k.count + added.length === count ? k.bytes + sum(added) : sum(await all()) };
    },
    set: (name, total) => void known.set(name, total),
  };
}
