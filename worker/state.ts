import { VitrineError } from '../src/protocol/errors';
import { undecided, type ConsentState } from '../src/protocol/consent';
import type { Catalog } from '../src/protocol/catalog';
import type { Decision } from '../src/protocol/decision';
import type { EngineEvent } from '../src/protocol/engine';
import type { ResolvedOptions } from '../src/protocol/options';
import type { TrackEvent } from '../src/protocol/events';
import type { CompiledCatalog } from './decide/compile';
import type { CartRecord, Store } from './storage/store';
import type { TabSync } from './sync';
import { createMemoryStore } from './storage/memory';
import { emptyCart } from '../src/protocol/cart-rules';
import { ExposureLog } from './exposures';
import { newSeed } from './random';
import type { Priors } from '../src/protocol/priors';
import type { LearnedDraws } from './decide/learned';

/** The resolved options plus what the engine derives from them. */
export interface EngineConfig extends ResolvedOptions {
  dbName: string;
}

/** The catalog the engine serves from (worker/catalog-cache.ts keeps it). */
export interface CatalogState {
  /** The last good catalog, validated; null before the first one. */
  current: Catalog | null;
  /** Compiled by the decide chunk when a page first asks for offers. */
  compiled: CompiledCatalog | null;
  etag: string | null;
  fetchedAt: number;
  /** Why the last fetch failed, when it did. */
  error?: string;
  /** The fetch under way, which later callers wait for instead of fetching again. */
  loading?: Promise<void>;
}

/** The priors the engine learns from (worker/learn/cache.ts keeps them). */
export interface PriorsState {
  /** The last good priors, checked; null before the first. */
  current: Priors | null;
  /** The key they were checked with (the catalog's `learning.priorsKey`, as JSON). */
  key: string | null;
  etag: string | null;
  fetchedAt: number;
  /** The catalog version the last fetch was for. */
  askedFor?: string;
  /** Why the last fetch failed, when it did. */
  error?: string;
  loading?: Promise<void>;
  /** The device's draws from `current`, and what they were drawn for (catalog and priors versions, seed). */
  draws?: { for: string; value: LearnedDraws };
}

/** @returns the state before any priors */
export const noPriors = (): PriorsState => ({ current: null, key: null, etag: null, fetchedAt: 0 });

/** Why storage is in memory before the shopper decides. */
export const NO_DECISION_YET = 'nothing is stored before the shopper decides';

/**
 * Everything one engine holds, in one object that each part of the engine receives
 * (docs/ARCHITECTURE.md, "The engine"). The parts replace fields (the store after a failure,
 * the consent decision, the cart record), so nothing keeps a copy of one.
 */
export interface EngineState {
  /** The options, once `init` has run. */
  config: EngineConfig | undefined;
  /** Tells the page (the `onEvent` given to `init`). */
  emit: (event: EngineEvent) => void;
  store: Store;
  /** Why the store is in memory, when it is. */
  storageReason: string | undefined;
  /** True while IndexedDB waits for a decision before it is opened (or reopened after `forget`). */
  openOnDecision: boolean;
  consent: ConsentState;
  /** The cart: kept in IndexedDB with `functional` consent (this is then its last known state), else here only. */
  cart: CartRecord;
  /** Whether the cart came back from an earlier session. */
  restored: boolean;
  /** Signals tracked before the shopper decided, kept in memory only. */
  undecidedSignals: TrackEvent[];
  /** When old signals and exposures were last swept out. */
  lastPrune: number;
  /** The line to the engines of the other tabs, once `init` has run. */
  sync: TabSync | undefined;
  closed: boolean;
  catalog: CatalogState;
  /** The collector's priors for the catalog (worker/learn/cache.ts). */
  priors: PriorsState;
  /** The device-local seed (experiment arms, variants, exploration). Never sent. */
  seed: number;
  /** Whether the seed is in storage. */
  seedStored: boolean;
  /** Categories the shopper muted: never used, never shown. */
  muted: Set<string>;
  /** The last decision per slot: the one cache of decisions (worker/decisions.ts). */
  decisions: Record<string, Decision[]>;
  /** Their write to the device, when one waits (worker/decisions.ts). */
  decisionsWrite: ReturnType<typeof setTimeout> | undefined;
  /** Varies exploration between decisions and page loads (the seed alone would freeze it). */
  draws: number;
  /** Recent exposures, for caps and attribution. */
  exposures: ExposureLog;
  /** The tail of the queue every call runs in (see {@link serial}). */
  queue: Promise<unknown>;
}

/** @returns the state of an engine before `init`: nothing stored, nothing decided */
export function createState(): EngineState {
  return {
    config: undefined,
    emit: () => undefined,
    store: createMemoryStore(),
    storageReason: NO_DECISION_YET,
    openOnDecision: false,
    consent: undecided(),
    cart: emptyCart(),
    restored: false,
    undecidedSignals: [],
    lastPrune: 0,
    sync: undefined,
    closed: false,
    catalog: { current: null, compiled: null, etag: null, fetchedAt: 0 },
    priors: noPriors(),
    seed: newSeed(),
    seedStored: false,
    muted: new Set(),
    decisions: {},
    decisionsWrite: undefined,
    draws: newSeed(),
    exposures: new ExposureLog(),
    queue: Promise.resolve(),
  };
}

/**
 * Runs `fn` after every call and tab message already waiting: the engine does one thing at a
 * time, in arrival order.
 */
export function serial<T>(s: EngineState, fn: () => Promise<T>): Promise<T> {
  const run = s.queue.then(fn);
  s.queue = run.catch(() => undefined);
  return run;
}

/**
 * @returns the options of a running engine
 * @throws VitrineError `engine-closed` after `close`, `not-ready` before `init`
 */
export function configOf(s: EngineState): EngineConfig {
  if (s.closed) throw new VitrineError('engine-closed', 'the engine was closed');
  if (!s.config) throw new VitrineError('not-ready', 'the engine was called before init');
  return s.config;
}

/** Whether the cart is kept on the device (`functional` consent and IndexedDB). */
export const persistentCart = (s: EngineState): boolean => s.consent.purposes.functional && s.store.kind === 'indexeddb';
