import 'fake-indexeddb/auto';
import { IDBFactory, forceCloseDatabase } from 'fake-indexeddb';
import { settled } from '../../worker/storage/requests';

/**
 * Gives the test a fresh, empty IndexedDB (fake-indexeddb) and a list of the raw
 * connections opened on it, so a test can break one.
 */
export function freshIndexedDB(): { factory: IDBFactory; connections: IDBDatabase[] } {
  const factory = new IDBFactory();
  const connections: IDBDatabase[] = [];
  const open = factory.open.bind(factory);
  factory.open = (name: string, version?: number) => {
    const request = open(name, version);
    request.addEventListener('success', () => connections.push(request.result));
    return request;
  };
  Object.assign(globalThis, { indexedDB: factory });
  return { factory, connections };
}

/** Closes a connection the way a browser does when it drops one (the `close` event fires). */
export function forceClose(db: IDBDatabase): void {
  forceCloseDatabase(db as never);
}

/**
 * Opens a database as a test sets one up, with raw IndexedDB.
 * @param upgrade runs in the `versionchange` transaction, with the version found
 */
export function openRaw(name: string, version?: number, upgrade?: (db: IDBDatabase, oldVersion: number, tx: IDBTransaction) => void): Promise<IDBDatabase> {
  const request = indexedDB.open(name, version);
  if (upgrade) request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion, request.transaction!);
  return settled(request);
}
