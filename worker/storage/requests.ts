import type { OldestFirst } from './budget';

/*
 * IndexedDB's requests as promises: the few helpers the store needs (worker/storage/idb.ts).
 * A promise resolves inside the request's success event, so code that awaits it runs while
 * its transaction is still active and may queue the next request in it.
 */

/**
 * @param request an IndexedDB request
 * @returns its result, or its error as a rejection
 */
export function settled<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Starts a transaction with the promise of its end, taken at once: an engine that learns of the
 * end only when it asks may ask after the `complete` event has passed.
 * @param db the open database
 * @param names the stores it uses
 * @param mode read-write unless told
 * @returns the transaction, and `done`: resolves when it commits, rejects when it fails or is aborted
 */
export function startTransaction(db: IDBDatabase, names: string | string[], mode: IDBTransactionMode = 'readwrite'): { tx: IDBTransaction; done: Promise<void> } {
  const tx = db.transaction(names, mode);
  const done = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    // A failed request or commit aborts the transaction, with that error (the engine never
    // aborts one itself).
    tx.onabort = () => reject(tx.error);
  });
  // A call that failed before it awaited `done` has its own error to throw; this one is not lost unhandled.
  done.catch(() => undefined);
  return { tx, done };
}

/**
 * Walks a cursor one record per `continue()`, each step a promise.
 * @param request what `openCursor()` returned
 * @returns the first position, or null for none
 */
export function cursorOf<V>(request: IDBRequest<IDBCursorWithValue | null>): Promise<OldestFirst<V> | null> {
  let step!: { resolve(position: OldestFirst<V> | null): void; reject(error: unknown): void };
  const next = () => new Promise<OldestFirst<V> | null>((resolve, reject) => (step = { resolve, reject }));
  request.onerror = () => step.reject(request.error);
  request.onsuccess = () => {
    const cursor = request.result;
    step.resolve(
      cursor && {
        value: cursor.value as V,
        delete: () => cursor.delete(),
        continue() {
          const position = next();
          cursor.continue();
          return position;
        },
      },
    );
  };
  return next();
}
