import { isVitrineError } from '../../src/protocol/errors';
import { undecided } from '../../src/protocol/consent';
import { createIdbStore } from './idb';
import { createMemoryStore } from './memory';
import { emptyCart } from '../../src/protocol/cart-rules';
import { newSeed } from '../random';
import type { EngineConfig, EngineState } from '../state';
import { keptAnyway } from '../purposes';

/** Why storage is in memory after `privacy.forget()`. */
export const ERASED = 'erased by privacy.forget(); reopens at the next decision';

/**
 * Opens the site's IndexedDB database; when that fails, the engine runs in memory and says why.
 * @param cfg the engine's options (database name, storage timeout)
 */
export async function openStore(s: EngineState, cfg: EngineConfig): Promise<void> {
  s.openOnDecision = false;
  try {
    s.store = await createIdbStore(cfg.dbName, cfg.storageTimeoutMs, { live: () => !!s.sync?.live, changed: () => s.sync?.post({ t: 'profile' }) });
    s.storageReason = undefined;
  } catch (error) {
    s.store = createMemoryStore();
    s.storageReason = `IndexedDB failed, running in memory: ${(error as Error).message}`;
  }
}

/** Switches to memory after a storage failure, and tells the page why. */
function degrade(s: EngineState, reason: string): void {
  void s.store.close();
  s.store = createMemoryStore();
  // The decision goes along: the guarded writes check it in memory too.
  if (s.consent.decided) void s.store.setMeta('consent', s.consent, keptAnyway);
  s.storageReason = reason;
  s.emit({ type: 'storage', storage: 'memory', reason });
}

/**
 * Runs a storage call. A storage failure switches the engine to memory and says so; the call
 * is then done in memory. Erasures never go through here: a failed erasure must fail loudly.
 */
export async function guarded<T>(s: EngineState, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const storageFailed = isVitrineError(error) && error.code.startsWith('storage-');
    // A closed engine's late call fails as it is: there is nothing left to degrade.
    if (!storageFailed || s.store.kind === 'memory' || s.closed) throw error;
    degrade(s, `IndexedDB failed, running in memory: ${error.message}`);
    return fn();
  }
}

/**
 * Runs a guarded write that the stored decision may refuse (another tab withdrew a moment ago,
 * and its message is on the way): then nothing is kept and it resolves to undefined.
 */
export async function keptIfAllowed<T>(s: EngineState, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await guarded(s, fn);
  } catch (error) {
    if (isVitrineError(error) && error.code === 'consent-required') return undefined;
    throw error;
  }
}

/**
 * Forgets everything the engine holds after an erasure (here or in another tab): memory only,
 * undecided, and IndexedDB reopens at the next decision.
 */
export function resetAfterForget(s: EngineState): void {
  void s.store.close();
  s.store = createMemoryStore();
  s.storageReason = ERASED;
  s.openOnDecision = true;
  s.consent = undecided();
  s.cart = emptyCart();
  s.restored = false;
  s.undecidedSignals = [];
  s.muted = new Set();
  s.decisions = {};
  s.seed = newSeed();
  s.seedStored = false;
  s.exposures.clear();
}
