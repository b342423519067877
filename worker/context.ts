import type { ConsentState } from '../src/protocol/consent';
import type { Catalog } from '../src/protocol/catalog';
import type { EngineEvent } from '../src/protocol/engine';
import type { ResolvedOptions } from '../src/protocol/options';
import type { CompiledCatalog } from './decide/compile';
import type { Store } from './store';

/** The resolved options plus what the engine derives from them. */
export interface EngineConfig extends ResolvedOptions {
  dbName: string;
}

/** The catalog the engine serves from; the decide chunk loads it, the report chunk shapes reports by it. */
export interface CatalogState {
  catalog: Catalog | null;
  /** Compiled by the decide chunk when a page first asks for offers. */
  compiled: CompiledCatalog | null;
  etag: string | null;
  fetchedAt: number;
  /** Why the last fetch failed, when it did. */
  error?: string;
  loading?: Promise<void>;
}

/**
 * What the chunks (decide, report) may use of the engine that loaded them. State the engine
 * replaces (its store after a failure or `forget`, the consent decision) is read through
 * functions, so a chunk never holds a stale copy.
 */
export interface EngineContext {
  readonly cfg: EngineConfig;
  readonly cat: CatalogState;
  store(): Store;
  consent(): ConsentState;
  /** The device-local seed (experiment arms, variants). */
  seed(): number;
  /** True once the engine is closed. */
  closed(): boolean;
  emit(event: EngineEvent): void;
  /** Runs `fn` in the engine's queue, after every call already waiting. */
  serial<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs a storage call; a storage failure switches the engine to memory and retries there. */
  guarded<T>(fn: () => Promise<T>): Promise<T>;
  /** Keeps the catalog in `cat` (and its ETag, with functional consent) for offline use. */
  saveCatalog(): Promise<void>;
}
