import { VitrineError, toErrorData } from '../src/protocol/errors';
import type { TrackEvent } from '../src/protocol/events';
import { validateCartOp, type CartLine, type CurrentOffer } from '../src/protocol/cart';
import type { EngineApi, EngineEvent, Reply } from '../src/protocol/engine';
import { resolveOptions, type VitrineOptions } from '../src/protocol/options';
import { validateExposure } from '../src/protocol/decision';
import { databaseExists, databaseName } from './storage/database';
import { guarded, openStore } from './storage/lifecycle';
import { revalidateLines, toCart, visitCartOf } from '../src/protocol/cart-rules';
import { openTabSync } from './sync';
import { mayKeepExposures, mayKeepSeed, mayKeepSignals } from './purposes';
import { configOf, createState, persistentCart, serial, type EngineConfig } from './state';
import { applyConsent, enforce } from './consent';
import { changeCart, restoreCart } from './cart-sync';
import { isCatalogStale, refreshCatalog, restoreCatalog } from './catalog-cache';
import { attribute, saveExposure } from './attribution';
import { exposureKeepMs, keepSignals, prune } from './signals';
import { writeWaitingDecisions, rememberDecision, withoutOffer } from './decisions';
import { onTabMessage } from './tabs';
import { decideChunk, decideChunkNow, engineContext, learnChunk, learnChunkNow, startReports } from './chunks';
import { exportData, forget, interests, mute, prefer, profileNow } from './privacy';

const succeeded = <T>(value: T): Reply<T> => ({ ok: true, value });
const failed = (error: unknown): Reply<never> => ({ ok: false, error: toErrorData(error, 'engine-failed') });

/**
 * The engine: owns storage and every decision. The same code runs in a Worker, a blob
 * Worker, or in the page (inline), behind the one {@link EngineApi}. This file holds the API
 * methods only; the engine's state is one object (worker/state.ts) that the parts receive, and
 * docs/ARCHITECTURE.md says which part owns what.
 * @returns a fresh engine, to be initialised with `init`
 */
export function createEngine(): EngineApi {
  const s = createState();

  // Every call runs in the engine's queue, and answers with its value or its error as data.
  function answer<A extends unknown[], T>(fn: (...args: A) => Promise<T>): (...args: A) => Promise<Reply<T>> {
    return (...args) => serial(s, () => fn(...args)).then(succeeded, failed);
  }

  /** What an earlier visit left, as its stored consent decision allows. */
  async function restore(cfg: EngineConfig): Promise<void> {
    const stored = await guarded(s, () => s.store.getMeta('consent'));
    if (!stored) return;
    s.consent = stored;
    await enforce(s, stored);
    s.seed = (await guarded(s, () => s.store.getMeta('seed'))) ?? s.seed;
    s.seedStored = mayKeepSeed(stored) && s.store.kind === 'indexeddb';
    s.muted = new Set((await guarded(s, () => s.store.getMeta('muted'))) ?? []);
    if (mayKeepSignals(stored)) s.decisions = (await guarded(s, () => s.store.getMeta('decisions'))) ?? {};
    await restoreCatalog(s, cfg);
    if (mayKeepExposures(stored)) {
      await guarded(s, () => s.store.pruneExposures(Date.now() - exposureKeepMs(cfg)));
      for (const e of await guarded(s, () => s.store.exposuresSince(0))) s.exposures.add(e);
    }
  }

  return {
    init: answer(async (options: VitrineOptions, onEvent: (event: EngineEvent) => void, visitCart?: unknown, continuing = false) => {
      if (s.config) throw new VitrineError('engine-failed', 'init was called twice');
      const cfg: EngineConfig = { ...resolveOptions(options), dbName: databaseName(options.siteId) };
      s.emit = onEvent;
      // No database is created before a decision: open it only if an earlier visit made one.
      if (typeof indexedDB === 'undefined') s.storageReason = 'IndexedDB is not available here';
      else if (await databaseExists(cfg.dbName, cfg.storageTimeoutMs)) await openStore(s, cfg);
      else s.openOnDecision = true;
      s.config = cfg;

      await restore(cfg);
      const now = Date.now();
      await restoreCart(s, cfg, now, visitCartOf(visitCart, now), continuing);
      if (s.consent.purposes.personalization) await prune(s, cfg, now);
      s.sync = openTabSync(cfg.dbName, (m) => void serial(s, () => onTabMessage(s, m)).catch(() => undefined));
      // A tab opened mid-session asks the others for the session cart.
      if (!persistentCart(s)) s.sync.post({ t: 'hello' });
      // The catalog is fetched (or revalidated) only when a page asks for offers: decide below.
      startReports(s, cfg);
      return {
        storage: s.store.kind,
        ...(s.storageReason ? { storageReason: s.storageReason } : {}),
        consent: s.consent.decided ? s.consent : null,
        cart: toCart(s.cart, s.restored),
        catalogVersion: s.catalog.current?.version ?? null,
        consentOptions: cfg.consent,
        ...(cfg.warnings.length ? { warnings: cfg.warnings } : {}),
      };
    }),

    track: answer(async (events: TrackEvent[]) => {
      const cfg = configOf(s);
      await attribute(s, events);
      const signals = events.filter((e) => e.type !== 'offer_click');
      return signals.length ? keepSignals(s, cfg, signals) : 0;
    }),

    getCart: answer(async () => {
      configOf(s);
      // Kept on the device, the cart is read there: another tab may have changed it a moment ago.
      if (persistentCart(s)) s.cart = (await guarded(s, () => s.store.get('cart'))) ?? s.cart;
      return toCart(s.cart, s.restored);
    }),

    cart: answer(async (raw) => toCart(await changeCart(s, configOf(s), validateCartOp(raw)), s.restored)),

    revalidateCart: answer(async (current: Record<string, CurrentOffer>) => {
      const cfg = configOf(s);
      const op = validateCartOp({ kind: 'revalidate', current });
      if (op.kind !== 'revalidate') throw new VitrineError('invalid-cart-item', 'cart.revalidate: expected current offers');
      // What it changed, against the lines as they are when the change is applied.
      let diff: ReturnType<typeof revalidateLines> | undefined;
      const inspect = (lines: CartLine[], now: number) => void (diff = revalidateLines(lines, op.current, now));
      const cart = toCart(await changeCart(s, cfg, op, inspect), s.restored);
      return { cart, repriced: diff?.repriced ?? [], removed: diff?.removed ?? [], unchecked: diff?.unchecked ?? [] };
    }),

    setConsent: answer(async (next) => {
      await applyConsent(s, next, false);
      // In the answer, not only in an event: events travel on another channel and may come later.
      return s.store.kind;
    }),

    async decide(rawSlot, rawOptions) {
      // The first catalog and the decide chunk are awaited outside the queue, so the cart
      // stays responsive meanwhile. Without a catalog (none cached, or the last fetch
      // failed), it is fetched now.
      const early = s.config;
      if (early && !s.catalog.current) await refreshCatalog(s, early);
      const chunk = early && (decideChunkNow() ?? (await decideChunk(early).catch(() => undefined)));
      // A catalog that learns: its priors too, outside the queue (the learn chunk waits only for the first).
      const learning = chunk && s.catalog.current?.learning ? (learnChunkNow() ?? (await learnChunk(early).catch(() => undefined))) : undefined;
      await learning?.preparePriors(engineContext(s), chunk!, s.catalog.current!, Date.now());
      return serial(s, async () => {
        const cfg = configOf(s);
        const d = chunk ?? (await decideChunk(cfg));
        const { slot, limit, context } = d.validateDecide(rawSlot, rawOptions);
        const catalog = s.catalog.current;
        if (!catalog) {
          throw new VitrineError('catalog-unavailable', s.catalog.error ?? (cfg.catalogUrl ? 'the catalog is not loaded yet' : 'no catalogUrl option'));
        }
        const compiled = (s.catalog.compiled ??= d.compileCatalog(catalog));
        const now = Date.now();
        if (isCatalogStale(s, now)) void refreshCatalog(s, cfg);
        const learned = (catalog.learning && learning?.drawsFor(engineContext(s), catalog, now)) || null;
        const personal = s.consent.purposes.personalization ? d.personalView(await profileNow(s), now, s.muted) : null;
        const lines = s.cart.lines;
        const cart = { categories: new Set(lines.flatMap((l) => (l.category ? [l.category] : []))), value: lines.reduce((sum, l) => sum + l.qty * l.price, 0) };
        const ranked = d.rank(compiled, slot, limit, { now, personal, cart, page: context, muted: s.muted, learned }, s.exposures, s.seed, s.draws++);
        rememberDecision(s, slot, ranked);
        return ranked;
      }).then(succeeded, failed);
    },

    cachedDecision: async (slot) => ({ ok: true, value: s.decisions[slot] ?? null }),

    exposure: answer(async (raw) => {
      configOf(s);
      const exposure = validateExposure(raw);
      await saveExposure(s, { ...exposure, at: Date.now() });
      if (exposure.kind === 'dismiss') await withoutOffer(s, exposure.offer);
      return null;
    }),

    interests: answer(async () => interests(s, configOf(s))),

    mute: answer(async (category) => {
      await mute(s, configOf(s), category);
      return null;
    }),

    prefer: answer(async (category) => {
      await prefer(s, configOf(s), category);
      return null;
    }),

    exportData: answer(async () => {
      const cfg = configOf(s);
      await writeWaitingDecisions(s);
      return exportData(s, cfg);
    }),

    forget: answer(async () => {
      configOf(s);
      return forget(s);
    }),

    close: answer(async (frozen?: boolean) => {
      s.closed = true;
      // A waiting write of the decisions is done before the connection closes; a frozen page drops it.
      if (frozen) clearTimeout(s.decisionsWrite);
      else await writeWaitingDecisions(s);
      s.sync?.close();
      await s.store.close();
      return null;
    }),
  };
}
