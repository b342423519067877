import type { ConsentState } from '../src/protocol/consent';
import type { EngineEvent } from '../src/protocol/engine';
import type { Guard, Store } from './storage/store';
import { configOf, serial, type CatalogState, type EngineConfig, type EngineState, type PriorsState } from './state';
import { guarded, keptIfAllowed } from './storage/lifecycle';
import { allowedFor, type PURPOSES_OF } from './purposes';

/**
 * What the report and learn chunks may use of the engine that loaded them. What the engine replaces (its
 * store after a failure or `forget`, the consent decision) is read through functions, so the
 * chunk never holds a stale copy.
 */
export interface EngineContext {
  readonly config: EngineConfig;
  readonly catalog: CatalogState;
  readonly priors: PriorsState;
  store(): Store;
  consent(): ConsentState;
  /** True once the engine is closed. */
  closed(): boolean;
  emit(event: EngineEvent): void;
  /** Runs a storage call; a storage failure switches the engine to memory and retries there. */
  guarded<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs a guarded write; when the stored decision refuses it, nothing is kept and it resolves to undefined. */
  keptIfAllowed<T>(fn: () => Promise<T>): Promise<T | undefined>;
  /** The guard of a kind of data, for the chunks' writes (worker/purposes.ts). */
  guardOf(data: keyof typeof PURPOSES_OF): Guard;
  /** Runs `fn` in the engine's queue, after every call already waiting. */
  serial<T>(fn: () => Promise<T>): Promise<T>;
  /** The device seed. */
  seed(): number;
  /** Whether the current consent decision allows keeping this kind of data (worker/purposes.ts). */
  mayKeep(data: keyof typeof PURPOSES_OF): boolean;
}

/** @returns the chunks' view of an engine's state (one per engine: the report chunk keys its reporter by it) */
export function contextOf(s: EngineState): EngineContext {
  return {
    get config() {
      return configOf(s);
    },
    catalog: s.catalog,
    priors: s.priors,
    store: () => s.store,
    consent: () => s.consent,
    closed: () => s.closed,
    emit: (event) => s.emit(event),
    guarded: (fn) => guarded(s, fn),
    keptIfAllowed: (fn) => keptIfAllowed(s, fn),
    guardOf: allowedFor,
    serial: (fn) => serial(s, fn),
    seed: () => s.seed,
    mayKeep: (data) => allowedFor(data)(s.consent),
  };
}
