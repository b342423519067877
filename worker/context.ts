import type { ConsentState } from '../src/protocol/consent';
import type { EngineEvent } from '../src/protocol/engine';
import type { Store } from './storage/store';
import { configOf, type CatalogState, type EngineConfig, type EngineState } from './state';
import { guarded } from './storage/lifecycle';

/**
 * What the report chunk may use of the engine that loaded it. What the engine replaces (its
 * store after a failure or `forget`, the consent decision) is read through functions, so the
 * chunk never holds a stale copy.
 */
export interface EngineContext {
  readonly config: EngineConfig;
  readonly catalog: CatalogState;
  store(): Store;
  consent(): ConsentState;
  /** True once the engine is closed. */
  closed(): boolean;
  emit(event: EngineEvent): void;
  /** Runs a storage call; a storage failure switches the engine to memory and retries there. */
  guarded<T>(fn: () => Promise<T>): Promise<T>;
}

/** @returns the report chunk's view of an engine's state (one per engine: the chunk keys its reporter by it) */
export function contextOf(s: EngineState): EngineContext {
  return {
    get config() {
      return configOf(s);
    },
    catalog: s.catalog,
    store: () => s.store,
    consent: () => s.consent,
    closed: () => s.closed,
    emit: (event) => s.emit(event),
    guarded: (fn) => guarded(s, fn),
  };
}
