import { VitrineError, isVitrineError, toErrorData } from '../src/protocol/errors';
import { undecided, type ConsentState } from '../src/protocol/consent';
import type { TrackEvent } from '../src/protocol/events';
import { validateCartOp, type Cart, type CartLine, type CartOp, type RevalidateResult } from '../src/protocol/cart';
import type { EngineApi, EngineEvent, ExportedData, Reply } from '../src/protocol/engine';
import { resolveOptions, type VitrineOptions } from '../src/protocol/options';
import type { CatalogState, EngineConfig, EngineContext } from './context';
import { validateExposure, type Decision, type Interest } from '../src/protocol/decision';
import { createIdbStore, databaseExists, databaseName } from './db';
import { createMemoryStore } from './memory';
import { emptyProfile, updateProfile } from './profile';
import { applyCartOp, emptyCart, isExpired, mergeLines, revalidateLines, toCart } from './cart';
import { openTabSync, type Envelope, type TabSync } from './sync';
import { loadChunk } from '../src/protocol/chunks';
import { loadScript } from '../src/script';
import { EXPOSURE_KEEP_MS, ExposureLog } from './exposures';
import { newSeed } from './random';
import { assignArm } from './arm';
import type { CartRecord, ExposureRecord, Guard, MetaValues, Store, StoreName } from './store';

/** Signals kept in memory while the shopper has not decided yet; the oldest go first. */
const MAX_UNDECIDED_SIGNALS = 200;
/** How often old signals and exposures are swept out while the page stays open. */
const PRUNE_EVERY_MS = 3_600_000;
/** A catalog older than this is fetched again (with its ETag) at the next decision. */
const CATALOG_MAX_AGE_MS = 5 * 60_000;
/** The shape of the cached, validated catalog; another value means: fetch it again. */
const CATALOG_CACHE_SCHEMA = 2;

const NO_DECISION_YET = 'nothing is stored before the shopper decides';
const ERASED = 'erased by privacy.forget(); reopens at the next decision';

// What each purpose covers on the device (DESIGN.md §5), in one place.
const mayKeepCart: Guard = (c) => !!c?.purposes.functional;
const mayKeepSignals: Guard = (c) => !!c?.purposes.personalization;
const mayKeepExposures: Guard = (c) => !!c && (c.purposes.functional || c.purposes.measurement);
const mayKeepSeed: Guard = (c) => !!c && (c.purposes.personalization || c.purposes.measurement);

/**
 * The engine: owns storage and every decision. The same code runs in a Worker, a blob
 * Worker, or in the page (inline), behind the one {@link EngineApi}.
 *
 * Consent rules it enforces (DESIGN.md §5): before a decision nothing is written (the
 * database is not even created); signals, the profile and cached decisions need
 * `personalization`; keeping the cart across sessions needs `functional` (without it the cart
 * lives in memory for this session, shared with the other open tabs); exposures need
 * `functional` (caps) or `measurement` (reports). What a decision does not allow is erased
 * before the call returns, and again at every start.
 * @returns a fresh engine, to be initialised with `init`
 */
export function createEngine(): EngineApi {
  let config: EngineConfig | undefined;
  let emit: (event: EngineEvent) => void = () => undefined;
  let store: Store = createMemoryStore();
  let storageReason: string | undefined = NO_DECISION_YET;
  // True while storage waits for a decision before IndexedDB is opened (or reopened).
  let openOnDecision = false;
  let consent: ConsentState = undecided();
  let cart: CartRecord = emptyCart();
  let restored = false;
  let undecidedSignals: TrackEvent[] = [];
  let lastPrune = 0;
  let sync: TabSync | undefined;
  let closed = false;

  const cat: CatalogState = { catalog: null, compiled: null, etag: null, fetchedAt: 0 };
  let seed = newSeed();
  let seedStored = false;
  let muted = new Set<string>();
  let decisions: Record<string, Decision[]> = {};
  // Varies exploration between decisions and page loads (the seed alone would freeze it).
  let draws = newSeed();
  const exposures = new ExposureLog();

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
    // The decision goes along: the guarded writes check it in memory too.
    if (consent.decided) void store.setMeta('consent', consent);
    storageReason = reason;
    emit({ type: 'storage', storage: 'memory', reason });
  }

  // A storage failure switches to memory and says so; the call is then done in memory.
  // Erasures never go through here: a failed erasure must fail loudly.
  async function guarded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const storageFailed = isVitrineError(error) && error.code.startsWith('storage-');
      // A closed engine's late call fails as it is: there is nothing left to degrade.
      if (!storageFailed || store.kind === 'memory' || closed) throw error;
      degrade(`IndexedDB failed, running in memory: ${error.message}`);
      return fn();
    }
  }

  async function openStore(cfg: EngineConfig): Promise<void> {
    openOnDecision = false;
    try {
      store = await createIdbStore(cfg.dbName, cfg.storageTimeoutMs);
      storageReason = undefined;
    } catch (error) {
      store = createMemoryStore();
      storageReason = `IndexedDB failed, running in memory: ${(error as Error).message}`;
    }
  }

  /** Erases everything `c` does not allow. Idempotent; errors propagate. */
  async function enforce(c: ConsentState): Promise<void> {
    const stores: StoreName[] = [];
    const meta: (keyof MetaValues)[] = [];
    if (!mayKeepSignals(c)) stores.push('signals', 'profile'), meta.push('decisions');
    if (!mayKeepCart(c)) stores.push('cart');
    if (!c.purposes.measurement) stores.push('outbox');
    if (!mayKeepExposures(c)) stores.push('exposures');
    if (!mayKeepSeed(c)) meta.push('seed'), (seedStored = false);
    await store.clear(stores);
    await store.deleteMeta(meta);
    if (!mayKeepSignals(c)) decisions = {};
  }

  async function append(events: TrackEvent[], cfg: EngineConfig): Promise<number> {
    const now = Date.now();
    try {
      await guarded(() => store.appendSignals(events, cfg.retention, now, (p) => updateProfile(p, events, muted), mayKeepSignals));
    } catch (error) {
      // Another tab withdrew personalization a moment ago: its message is on the way.
      if (isVitrineError(error) && error.code === 'consent-required') return 0;
      throw error;
    }
    if (now - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = now;
      exposures.prune(now);
      await guarded(() => store.prune(cfg.retention, now));
      await guarded(() => store.pruneExposures(now - keepExposures(cfg)));
    }
    return events.length;
  }

  async function saveExposure(record: ExposureRecord): Promise<void> {
    exposures.add(record);
    sync?.post({ t: 'exposure', record });
    if (!mayKeepExposures(consent)) return;
    await guarded(() => store.addExposure(record, mayKeepExposures)).catch((error) => {
      if (!(isVitrineError(error) && error.code === 'consent-required')) throw error;
    });
  }

  async function applyConsent(next: ConsentState, fromOtherTab: boolean): Promise<void> {
    const cfg = ready();
    const prev = consent;
    if (next.decided && openOnDecision) {
      await openStore(cfg);
      emit({ type: 'storage', storage: store.kind, ...(storageReason ? { reason: storageReason } : {}) });
    }
    consent = next;
    // The record first: a tab still on the old decision checks it inside its own writes,
    // and a start after a crash between the two steps erases what the record forbids.
    if (next.decided && !fromOtherTab) await guarded(() => store.setMeta('consent', next));
    if (next.decided) await enforce(next);

    if (next.purposes.personalization) {
      if (undecidedSignals.length) await append(undecidedSignals, cfg);
      undecidedSignals = [];
    } else if (next.decided) {
      undecidedSignals = [];
    }
    if (!prev.purposes.functional && persistentCart()) {
      const now = Date.now();
      const merged = await guarded(() =>
        store.update('cart', (stored) => {
          const kept = stored && !isExpired(stored, now, cfg.cartTtlDays) ? stored : emptyCart();
          return { id: 'current', lines: mergeLines(kept.lines, cart.lines), updatedAt: Math.max(kept.updatedAt, cart.updatedAt) };
        }),
      );
      cart = merged ?? emptyCart();
    }
    if (mayKeepSeed(next) && !seedStored && store.kind === 'indexeddb') {
      await guarded(() => store.setMeta('seed', seed));
      seedStored = true;
    }
    if (next.decided && muted.size) await guarded(() => store.setMeta('muted', [...muted]));
    if (next.decided && !fromOtherTab) await saveCatalog();
    if (!fromOtherTab) sync?.post({ t: 'consent', consent: next });
    report(cfg);
  }

  /**
   * Applies a cart change where the cart lives: in one IndexedDB transaction when it is kept
   * on the device, else in memory, telling the other tabs either way.
   * @param inspect sees the lines the change is applied to, inside the transaction
   */
  async function changeCart(op: CartOp, cfg: EngineConfig, inspect?: (lines: CartLine[], now: number) => void): Promise<CartRecord> {
    const now = Date.now();
    if (persistentCart()) {
      try {
        const next = await guarded(() =>
          store.update('cart', (stored) => {
            const base = stored && !isExpired(stored, now, cfg.cartTtlDays) ? stored : emptyCart();
            inspect?.(base.lines, now);
            return { id: 'current', lines: applyCartOp(base.lines, op, now), updatedAt: now };
          }, mayKeepCart),
        );
        if (persistentCart()) {
          cart = next ?? emptyCart();
          sync?.post({ t: 'cart-changed' });
          return cart;
        }
      } catch (error) {
        if (!(isVitrineError(error) && error.code === 'consent-required')) throw error;
      }
      // Storage failed, or functional was withdrawn in another tab: apply the change in memory.
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
    openOnDecision = true;
    consent = undecided();
    cart = emptyCart();
    restored = false;
    undecidedSignals = [];
    muted = new Set();
    decisions = {};
    seed = newSeed();
    seedStored = false;
    exposures.clear();
  }

  async function saveCatalog(): Promise<void> {
    if (!cat.catalog || !consent.decided || store.kind !== 'indexeddb') return;
    // An ETag chosen by the server could single a device out: it is kept only with functional consent.
    const etag = consent.purposes.functional ? cat.etag : null;
    const record = { catalog: cat.catalog, etag, fetchedAt: cat.fetchedAt, schema: CATALOG_CACHE_SCHEMA, key: keyOf(config!.catalogKey) };
    await guarded(() => store.setMeta('catalog', record));
  }

  const ctx: EngineContext = {
    get cfg() {
      return ready();
    },
    cat,
    store: () => store,
    consent: () => consent,
    seed: () => seed,
    closed: () => closed,
    emit: (event) => emit(event),
    serial,
    guarded,
    saveCatalog,
  };

  /** With measurement consent and a collector, the report chunk builds and sends what is due. */
  function report(cfg: EngineConfig): void {
    if (cfg.collectorUrl && consent.purposes.measurement) {
      void loadChunk('report', cfg.workerUrl, cfg.callTimeoutMs, runScript)
        .then((m) => m.startReports(ctx))
        .catch((error) => emit({ type: 'reports', status: { pending: 0, sent: 0, dropped: 0, error: toErrorData(error, 'engine-failed').message }, url: '', ready: [] }));
    }
  }

  const decideChunk = (cfg: EngineConfig) => loadChunk('decide', cfg.workerUrl, cfg.callTimeoutMs, runScript);

  /** Fetches the catalog (with the cached ETag); a refused one leaves the last good one serving. */
  function refreshCatalog(cfg: EngineConfig): Promise<void> | undefined {
    if (!cfg.catalogUrl) return;
    return (cat.loading ??= decideChunk(cfg)
      .then((d) => d.refreshCatalog(ctx, cfg.catalogUrl!), (error) => {
        cat.error = toErrorData(error, 'catalog-unavailable').message;
        emit({ type: 'catalog', version: cat.catalog?.version ?? null, error: cat.error });
      })
      .finally(() => (cat.loading = undefined)));
  }

  async function profileNow() {
    return (await guarded(() => store.getProfile())) ?? emptyProfile(Date.now());
  }

  async function onTabMessage(m: Envelope): Promise<void> {
    if (!config || closed) return;
    switch (m.t) {
      case 'cart-changed':
        if (!persistentCart()) return;
        cart = (await guarded(() => store.get('cart'))) ?? emptyCart();
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
        resetAfterForget(ERASED);
        emit({ type: 'consent', consent });
        emit({ type: 'storage', storage: 'memory', reason: storageReason! });
        break;
      case 'exposure':
        exposures.add(m.record);
        return;
      case 'muted':
        muted = new Set(m.muted);
        decisions = {};
        return;
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
      // No database is created before a decision: open it only if an earlier visit made one.
      if (typeof indexedDB === 'undefined') storageReason = 'IndexedDB is not available here';
      else if (await databaseExists(cfg.dbName, cfg.storageTimeoutMs)) await openStore(cfg);
      else openOnDecision = true;
      config = cfg;

      const stored = await guarded(() => store.getMeta('consent'));
      if (stored) {
        consent = stored;
        await enforce(stored);
        seed = (await guarded(() => store.getMeta('seed'))) ?? seed;
        seedStored = mayKeepSeed(stored) && store.kind === 'indexeddb';
        muted = new Set((await guarded(() => store.getMeta('muted'))) ?? []);
        if (mayKeepSignals(stored)) decisions = (await guarded(() => store.getMeta('decisions'))) ?? {};
        const cached = await guarded(() => store.getMeta('catalog'));
        // Validated before it was stored; another SDK version's shape is fetched afresh.
        if (cached?.schema === CATALOG_CACHE_SCHEMA && cached.catalog.siteId === cfg.siteId && cached.key === keyOf(cfg.catalogKey)) {
          cat.catalog = cached.catalog;
          cat.etag = cached.etag;
          cat.fetchedAt = cached.fetchedAt;
        }
        if (mayKeepExposures(stored)) {
          await guarded(() => store.pruneExposures(Date.now() - keepExposures(cfg)));
          for (const e of await guarded(() => store.exposuresSince(0))) exposures.add(e);
        }
      }
      const now = Date.now();
      if (persistentCart()) {
        const saved = await guarded(() => store.get('cart'));
        if (saved && isExpired(saved, now, cfg.cartTtlDays)) {
          await guarded(() => store.update('cart', () => undefined));
        } else if (saved && saved.lines.length) {
          cart = saved;
          restored = true;
        }
      }
      if (consent.purposes.personalization) {
        lastPrune = now;
        await guarded(() => store.prune(cfg.retention, now));
      }
      sync = openTabSync(cfg.dbName, (m) => void serial(() => onTabMessage(m)).catch(() => undefined));
      // A tab opened mid-session asks the others for the session cart.
      if (!persistentCart()) sync.post({ t: 'hello' });
      void refreshCatalog(cfg);
      report(cfg);
      return {
        storage: store.kind,
        ...(storageReason ? { storageReason } : {}),
        consent: stored ?? null,
        cart: toCart(cart, restored),
        catalogVersion: cat.catalog?.version ?? null,
        decisions,
        consentOptions: cfg.consent,
      };
    }),

    track: answer(async (events: TrackEvent[]) => {
      const cfg = ready();
      for (const e of events) {
        if (e.type === 'offer_click') {
          const shown = Object.values(decisions).flat().find((d) => d.id === e.payload.offer);
          const arm = cat.catalog ? assignArm(cat.catalog, seed, consent.purposes.personalization) : shown?.arm ?? 'contextual';
          await saveExposure({ offer: e.payload.offer, variant: e.payload.variant ?? shown?.variant ?? 'default', slot: e.payload.slot ?? shown?.slot ?? '', arm, kind: 'click', at: e.at });
        } else if (e.type === 'purchase' && cat.catalog) {
          // A purchase soon after a click on an offer is credited to it, on the device.
          const click = exposures.attribute(e.at, cat.catalog.settings.attributionWindowHours);
          if (click) {
            const value = minorUnits(e.payload.total, e.payload.currency);
            await saveExposure({ offer: click.offer, variant: click.variant, slot: click.slot, arm: click.arm, kind: 'conversion', at: e.at, value });
          }
        }
      }
      const signals = events.filter((e) => e.type !== 'offer_click');
      if (!signals.length) return 0;
      if (!consent.decided) {
        undecidedSignals.push(...signals);
        undecidedSignals.splice(0, Math.max(0, undecidedSignals.length - MAX_UNDECIDED_SIGNALS));
        return 0;
      }
      if (!consent.purposes.personalization) return 0;
      return append(signals, cfg);
    }),

    cart: answer(async (raw: CartOp | null): Promise<Cart | RevalidateResult> => {
      const cfg = ready();
      if (!raw) return toCart(cart, restored);
      const op = validateCartOp(raw);
      // A revalidation also says what it changed, against the lines as they are when applied.
      let diff: ReturnType<typeof revalidateLines> | undefined;
      const after = toCart(await changeCart(op, cfg, op.kind === 'revalidate' ? (lines, now) => (diff = revalidateLines(lines, op.current, now)) : undefined), restored);
      return diff ? { cart: after, repriced: diff.repriced, removed: diff.removed, unchecked: diff.unchecked } : after;
    }),

    setConsent: answer(async (next: ConsentState) => {
      await applyConsent(next, false);
      // In the answer, not only in an event: events travel on another channel and may come later.
      return store.kind;
    }),

    async decide(rawSlot, rawOptions) {
      // The first catalog and the decide chunk are awaited outside the queue, so the cart
      // stays responsive meanwhile.
      // Without a catalog (none cached, or the last fetch failed), fetch it now.
      if (config && !cat.catalog) await refreshCatalog(config);
      const chunk = config ? await decideChunk(config).catch(() => undefined) : undefined;
      return answer(async () => {
        const cfg = ready();
        const d = chunk ?? (await decideChunk(cfg));
        const { slot, limit, context } = d.validateDecide(rawSlot, rawOptions);
        if (!cat.catalog) {
          throw new VitrineError('catalog-unavailable', cat.error ?? (cfg.catalogUrl ? 'catalog: not loaded yet' : 'catalog: no catalogUrl option'));
        }
        const compiled = (cat.compiled ??= d.compileCatalog(cat.catalog));
        const now = Date.now();
        if (now - cat.fetchedAt > CATALOG_MAX_AGE_MS) void refreshCatalog(cfg);
        const personal = consent.purposes.personalization ? d.personalView(await profileNow(), now, muted) : null;
        const cartCategories = new Set(cart.lines.flatMap((l) => (l.category ? [l.category] : [])));
        const cartValue = cart.lines.reduce((sum, l) => sum + l.qty * l.price, 0);
        const input = { now, personal, cart: { categories: cartCategories, value: cartValue }, page: context, muted };
        const ranked = d.rank(compiled, slot, limit, input, exposures, seed, draws++);
        decisions = { ...decisions, [slot]: ranked };
        if (mayKeepSignals(consent) && store.kind === 'indexeddb') await guarded(() => store.setMeta('decisions', decisions));
        return ranked;
      })();
    },

    exposure: answer(async (raw) => {
      ready();
      const report = validateExposure(raw);
      await saveExposure({ ...report, at: Date.now() });
      if (report.kind === 'dismiss') {
        for (const slot of Object.keys(decisions)) decisions[slot] = decisions[slot]!.filter((d) => d.id !== report.offer);
        if (mayKeepSignals(consent) && store.kind === 'indexeddb') await guarded(() => store.setMeta('decisions', decisions));
      }
      return null;
    }),

    interests: answer(async (): Promise<Interest[]> => {
      const cfg = ready();
      const d = await decideChunk(cfg);
      const profile = consent.purposes.personalization ? await profileNow() : null;
      return d.interestsOf(profile, Date.now(), muted, cat.catalog?.categoryLabels ?? {});
    }),

    mute: answer(async (category: string) => {
      const d = await decideChunk(ready());
      const c = checkCategory(category, 'privacy.mute');
      muted.add(c);
      decisions = {};
      if (consent.decided) await guarded(() => store.setMeta('muted', [...muted]));
      // Out of the profile and the raw signals, not merely hidden.
      if (consent.purposes.personalization) await guarded(() => d.forgetCategory(store, c));
      sync?.post({ t: 'muted', muted: [...muted] });
      return null;
    }),

    prefer: answer(async (category: string) => {
      const d = await decideChunk(ready());
      const c = checkCategory(category, 'privacy.prefer');
      if (!consent.purposes.personalization) {
        throw new VitrineError('consent-required', 'privacy.prefer: needs personalization consent');
      }
      if (muted.delete(c)) {
        await guarded(() => store.setMeta('muted', [...muted]));
        sync?.post({ t: 'muted', muted: [...muted] });
      }
      await guarded(() => d.stateInterest(store, c, Date.now()));
      decisions = {};
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
      // Not guarded: if the erasure fails, the shopper must hear so.
      await store.destroy();
      resetAfterForget(ERASED);
      return ERASED;
    }),

    close: answer(async () => {
      closed = true;
      sync?.close();
      store.close();
      return null;
    }),
  };

}

/** @param call the public call, which the message names */
function checkCategory(category: unknown, call: string): string {
  if (typeof category !== 'string' || category.length === 0 || category.length > 100) {
    throw new VitrineError('invalid-payload', `${call}: expected a non-empty string of at most 100 characters`);
  }
  return category;
}

/** An amount in the currency's minor units (cents; yen have none, dinars have three). */
function minorUnits(amount: number, currency: string): number {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unknown currency code: assume cents.
  }
  return Math.round(amount * 10 ** digits);
}

/** Which catalogKey a cached catalog was checked with, so another key (or none) refetches it. */
function keyOf(key: string | JsonWebKey | undefined): string | null {
  return JSON.stringify(key) ?? null;
}

/** How long exposures stay on the device: a week (caps), or a report window and a day when longer. */
function keepExposures(cfg: EngineConfig): number {
  return Math.max(EXPOSURE_KEEP_MS, cfg.reportWindow + 86_400_000);
}

/** Runs a chunk's script: `importScripts` in a Worker; in the page (inline engine) a script element. */
function runScript(url: string): Promise<void> {
  const scope = globalThis as unknown as { importScripts?: (url: string) => void };
  if (typeof scope.importScripts !== 'function') return loadScript(url);
  return new Promise((resolve) => {
    scope.importScripts!(url);
    resolve();
  });
}
