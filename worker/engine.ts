import { VitrineError, toErrorData } from '../src/protocol/errors';
import { undecided, type ConsentState } from '../src/protocol/consent';
import type { TrackEvent } from '../src/protocol/events';
import { validateCartOp, type CartLine, type CartOp, type RevalidateResult } from '../src/protocol/cart';
import type { EngineApi, EngineEvent, ExportedData, Reply } from '../src/protocol/engine';
import { resolveOptions, type ResolvedOptions, type VitrineOptions } from '../src/protocol/options';
import { createIdbStore, databaseName } from './db';
import { createMemoryStore } from './memory';
import { updateProfile } from './profile';
import { applyCartOp, emptyCart, isExpired, mergeLines, revalidateLines, toCart } from './cart';
import { openTabSync, type Envelope, type TabSync } from './sync';
import type { CartRecord, Store } from './store';

/** The resolved options plus what the engine derives from them. */
interface EngineConfig extends ResolvedOptions {
  dbName: string;
}

/** Signals kept in memory while the shopper has not decided yet; the oldest go first. */
const MAX_UNDECIDED_SIGNALS = 200;
/** How often old signals are swept out while the page stays open. */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * The engine: owns storage and every decision. The same code runs in a Worker, a blob
 * Worker, or in the page (inline), behind the one {@link EngineApi}.
 *
 * Consent rules it enforces (DESIGN.md §5): before a decision nothing is written; signals
 * and the profile need `personalization`; keeping the cart across sessions needs
 * `functional` (without it the cart lives in memory for this session and is shared with the
 * other open tabs); a withdrawn purpose's data is erased before the call returns.
 * @returns a fresh engine, to be initialised with `init`
 */
export function createEngine(): EngineApi {
  let config: EngineConfig | undefined;
  let emit: (event: EngineEvent) => void = () => undefined;
  let store: Store = createMemoryStore();
  let storageReason: string | undefined = 'not opened yet';
  let consent: ConsentState = undecided();
  let cart: CartRecord = emptyCart();
  let restored = false;
  let undecidedSignals: TrackEvent[] = [];
  let lastPrune = 0;
  let sync: TabSync | undefined;
  let closed = false;
  // Every call and every message from another tab runs one at a time, in arrival order.
  let queue: Promise<unknown> = Promise.resolve();

  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  }

  function ready(): EngineConfig {
    if (closed) throw new VitrineError('engine-closed', 'the engine was closed');
    if (!config) throw new VitrineError('not-ready', 'the engine was called before init');
    return config;
  }

  const persistentCart = () => consent.purposes.functional && store.kind === 'indexeddb';

  function degrade(reason: string): void {
    store.close();
    store = createMemoryStore();
    storageReason = reason;
    emit({ type: 'storage', storage: 'memory', reason });
  }

  // A storage failure switches to memory and says so; the call is then done in memory.
  async function guarded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const storageFailed = error instanceof VitrineError && error.code.startsWith('storage-');
      if (!storageFailed || store.kind === 'memory') throw error;
      degrade(`IndexedDB failed, running in memory: ${error.message}`);
      return fn();
    }
  }

  async function openStore(cfg: EngineConfig): Promise<void> {
    try {
      store = await createIdbStore(cfg.dbName, cfg.storageTimeoutMs);
      storageReason = undefined;
    } catch (error) {
      store = createMemoryStore();
      storageReason = `IndexedDB unavailable, running in memory: ${(error as Error).message}`;
    }
  }

  async function append(events: TrackEvent[], cfg: EngineConfig): Promise<void> {
    const now = Date.now();
    await guarded(() => store.appendSignals(events, cfg.retention, now, (p) => updateProfile(p, events)));
    if (now - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = now;
      await guarded(() => store.prune(cfg.retention, now));
    }
  }

  async function applyConsent(next: ConsentState, fromOtherTab: boolean): Promise<void> {
    const cfg = ready();
    const prev = consent;
    // After privacy.forget() storage is memory until the shopper decides again.
    if (next.decided && !prev.decided && store.kind === 'memory' && storageReason?.startsWith('erased')) {
      await openStore(cfg);
      emit({ type: 'storage', storage: store.kind, ...(storageReason ? { reason: storageReason } : {}) });
    }
    consent = next;
    if (next.decided && !fromOtherTab) await guarded(() => store.setMeta('consent', next));

    if (next.purposes.personalization) {
      if (undecidedSignals.length) await append(undecidedSignals, cfg);
      undecidedSignals = [];
    } else if (next.decided || prev.purposes.personalization) {
      undecidedSignals = [];
      await guarded(() => store.clear(['signals', 'profile']));
    }

    if (prev.purposes.functional && !next.purposes.functional) {
      // The cart stays for this session (necessary), but no longer on the device.
      await guarded(() => store.updateCart(() => undefined));
    } else if (!prev.purposes.functional && persistentCart()) {
      const now = Date.now();
      const merged = await guarded(() =>
        store.updateCart((stored) => {
          const kept = stored && !isExpired(stored, now, cfg.cartTtlDays) ? stored : emptyCart();
          return { id: 'current', lines: mergeLines(kept.lines, cart.lines), updatedAt: Math.max(kept.updatedAt, cart.updatedAt) };
        }),
      );
      cart = merged ?? emptyCart();
    }

    if (prev.purposes.measurement && !next.purposes.measurement) {
      await guarded(() => store.clear(['outbox']));
    }
    if (!fromOtherTab) sync?.post({ t: 'consent', consent: next });
  }

  /**
   * Applies a cart change where the cart lives: in one IndexedDB transaction when it is kept
   * on the device, else in memory, telling the other tabs either way.
   * @param inspect sees the lines the change is applied to, inside the transaction
   */
  async function changeCart(op: CartOp, cfg: EngineConfig, inspect?: (lines: CartLine[], now: number) => void): Promise<CartRecord> {
    const now = Date.now();
    if (persistentCart()) {
      const next = await guarded(() =>
        store.updateCart((stored) => {
          const base = stored && !isExpired(stored, now, cfg.cartTtlDays) ? stored : emptyCart();
          inspect?.(base.lines, now);
          return { id: 'current', lines: applyCartOp(base.lines, op, now), updatedAt: now };
        }),
      );
      if (persistentCart()) {
        cart = next ?? emptyCart();
        sync?.post({ t: 'cart-changed' });
        return cart;
      }
      // Storage failed during the change and the engine fell back to memory: apply it there.
    }
    inspect?.(cart.lines, now);
    cart = { id: 'current', lines: applyCartOp(cart.lines, op, now), updatedAt: now };
    sync?.post({ t: 'cart-op', op, at: now });
    return cart;
  }

  function resetAfterForget(reason: string): void {
    store.close();
    store = createMemoryStore();
    storageReason = reason;
    consent = undecided();
    cart = emptyCart();
    restored = false;
    undecidedSignals = [];
  }

  async function onTabMessage(m: Envelope): Promise<void> {
    if (!config || closed) return;
    switch (m.t) {
      case 'cart-changed':
        if (!persistentCart()) return;
        cart = (await guarded(() => store.getCart())) ?? emptyCart();
        break;
      case 'cart-op':
        if (persistentCart()) return;
        cart = { id: 'current', lines: applyCartOp(cart.lines, m.op, m.at), updatedAt: Math.max(cart.updatedAt, m.at) };
        break;
      case 'hello':
        if (!persistentCart() && cart.lines.length) sync?.post({ t: 'cart-state', to: m.from, lines: cart.lines });
        return;
      case 'cart-state': {
        if (m.to !== sync?.id || persistentCart()) return;
        const newest = Math.max(0, ...m.lines.map((l) => l.updatedAt));
        cart = { id: 'current', lines: mergeLines(cart.lines, m.lines), updatedAt: Math.max(cart.updatedAt, newest) };
        break;
      }
      case 'consent':
        await applyConsent(m.consent, true);
        emit({ type: 'consent', consent: m.consent });
        break;
      case 'forget':
        resetAfterForget('erased by privacy.forget() in another tab; IndexedDB reopens at the next consent decision');
        emit({ type: 'consent', consent });
        emit({ type: 'storage', storage: 'memory', reason: storageReason! });
        break;
    }
    emit({ type: 'cart', cart: toCart(cart, restored), cause: 'remote' });
  }

  function answer<A extends unknown[], T>(fn: (...args: A) => Promise<T>): (...args: A) => Promise<Reply<T>> {
    return (...args) =>
      serial(() => fn(...args)).then(
        (value): Reply<T> => ({ ok: true, value }),
        (error): Reply<T> => ({ ok: false, error: toErrorData(error, 'engine-failed') }),
      );
  }

  return {
    init: answer(async (options: VitrineOptions, onEvent: (event: EngineEvent) => void) => {
      if (config) throw new VitrineError('engine-failed', 'init was called twice');
      const cfg: EngineConfig = { ...resolveOptions(options), dbName: databaseName(options.siteId) };
      emit = onEvent;
      await openStore(cfg);
      config = cfg;
      const stored = await guarded(() => store.getMeta('consent'));
      if (stored) consent = stored;
      const now = Date.now();
      if (persistentCart()) {
        const saved = await guarded(() => store.getCart());
        if (saved && isExpired(saved, now, cfg.cartTtlDays)) {
          await guarded(() => store.updateCart(() => undefined));
        } else if (saved && saved.lines.length) {
          cart = saved;
          restored = true;
        }
      }
      if (consent.decided && !consent.purposes.personalization) {
        await guarded(() => store.clear(['signals', 'profile']));
      } else if (consent.purposes.personalization) {
        lastPrune = now;
        await guarded(() => store.prune(cfg.retention, now));
      }
      sync = openTabSync(cfg.dbName, (m) => void serial(() => onTabMessage(m)).catch(() => undefined));
      // A tab opened mid-session asks the others for the session cart.
      if (!persistentCart()) sync.post({ t: 'hello' });
      return {
        storage: store.kind,
        ...(storageReason ? { storageReason } : {}),
        consent: stored ?? null,
        cart: toCart(cart, restored),
      };
    }),

    track: answer(async (events: TrackEvent[]) => {
      const cfg = ready();
      if (!consent.decided) {
        undecidedSignals.push(...events);
        undecidedSignals.splice(0, Math.max(0, undecidedSignals.length - MAX_UNDECIDED_SIGNALS));
        return 0;
      }
      if (!consent.purposes.personalization) return 0;
      await append(events, cfg);
      return events.length;
    }),

    cart: answer(async (op: CartOp | null) => {
      const cfg = ready();
      if (op) await changeCart(validateCartOp(op), cfg);
      return toCart(cart, restored);
    }),

    revalidate: answer(async (raw: CartOp & { kind: 'revalidate' }): Promise<RevalidateResult> => {
      const cfg = ready();
      const op = validateCartOp(raw) as typeof raw;
      // What changed is computed against the lines as they are when the change is applied.
      let diff: ReturnType<typeof revalidateLines> | undefined;
      const after = await changeCart(op, cfg, (lines, now) => {
        diff = revalidateLines(lines, op.current, now);
      });
      const { repriced, removed, unchecked } = diff!;
      return { cart: toCart(after, restored), repriced, removed, unchecked };
    }),

    setConsent: answer(async (next: ConsentState) => {
      await applyConsent(next, false);
      return null;
    }),

    exportData: answer(async (): Promise<ExportedData> => {
      const cfg = ready();
      return {
        exportedAt: new Date().toISOString(),
        siteId: cfg.siteId,
        storage: store.kind,
        stores: await guarded(() => store.dump()),
        memory: { cart: toCart(cart, restored), undecidedSignals: structuredClone(undecidedSignals) },
      };
    }),

    forget: answer(async () => {
      ready();
      sync?.post({ t: 'forget' });
      await guarded(() => store.destroy());
      resetAfterForget('erased by privacy.forget(); IndexedDB reopens at the next consent decision');
      return null;
    }),

    close: answer(async () => {
      closed = true;
      sync?.close();
      store.close();
      return null;
    }),
  };
}
