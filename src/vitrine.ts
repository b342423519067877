import { VitrineError, logError } from './protocol/errors';
import { validateTrack, type TrackPayloads, type TrackType } from './protocol/events';
import { undecided, type ConsentState } from './protocol/consent';
import type { EngineEvent, EngineHello, EngineKind, ExportedData, ReadyReport, ReportStatus, StorageKind } from './protocol/engine';
import { pageOptions } from './options';
import type { VitrineOptions } from './protocol/options';
import { startEngine } from './engine';
import { resumable } from './resumable';
import { createScriptPolicy } from './trusted-policy';
import { createBatcher } from './track';
import { createCart, type CartApi } from './cart';
import { createConsentCore, type ConsentApi } from './consent/core';
import { detectCmp } from './consent/detect';
import type { RenderHandle, RenderOptions } from './render';
import { adapterChunk, renderChunk } from './chunks';
import type { DecideOptions, Decision, ExposureInput, Interest } from './protocol/decision';

/** What is running, for the merchant to see (a contract: README, "API"). */
export interface VitrineState {
  engine: EngineKind;
  storage: StorageKind;
  consent: ConsentState;
  catalogVersion: string | null;
  /** The version of the collector's priors the offers learn from, for a catalog that learns; null before any. */
  priorsVersion: string | null;
  /** Aggregate reports: waiting in the outbox, acknowledged and dropped since the page started. */
  reports: ReportStatus;
  /** Why storage is in memory or the engine is not in a Worker, when that is so; why a report was dropped. */
  notes: string[];
}

/** `v.privacy`: what the shopper can see and erase. */
export interface PrivacyApi {
  /** @returns everything stored about the shopper on this device, as JSON-ready data */
  export(): Promise<ExportedData>;
  /** Erases everything on this device, the database included, in every open tab. */
  forget(): Promise<void>;
  /** @returns the interests the profile holds (browsing, stated) and the muted categories */
  interests(): Promise<Interest[]>;
  /** Drops a category from the profile and its signals; it never shows in offers or reasons again. */
  mute(category: string): Promise<void>;
  /** States an interest; it counts like browsing and the reasons say so. Needs personalization. */
  prefer(category: string): Promise<void>;
}

/** A running SDK instance. */
export interface Vitrine {
  /**
   * Records a browsing signal. Validated here (throws `invalid-payload` naming the field);
   * stored in the engine only with `personalization` consent.
   * @example v.track('product_view', { sku: 'TR-1', category: 'trail-running', price: 89 })
   */
  track<T extends TrackType>(type: T, payload: TrackPayloads[T]): void;
  /** Resolves once every tracked event has reached the engine and storage. */
  flush(): Promise<void>;
  /**
   * Ranks the slot's offers on the device. Without personalization consent the ranking is
   * contextual (page, cart, time).
   * @example const [top] = await v.decide('home-hero', { limit: 1, context: { category: 'trail-running' } })
   */
  decide(slot: string, options?: DecideOptions): Promise<Decision[]>;
  /**
   * Renders the slot's offers into `element` as text, with "Why this offer?" and a dismiss
   * control, and records impressions, clicks and dismissals.
   * @example await v.render('home-hero', document.querySelector('#hero')!)
   */
  render(slot: string, element: Element, options?: RenderOptions): Promise<RenderHandle>;
  cart: CartApi;
  consent: ConsentApi;
  privacy: PrivacyApi;
  /** @returns what is running */
  state(): VitrineState;
  /** Stops the engine and detaches from the page; the data stays. */
  destroy(): Promise<void>;
}

function defaultWorkerUrl(): string | undefined {
  try {
    return new URL('./vitrine-worker.js', import.meta.url).href;
  } catch {
    return undefined;
  }
}

/**
 * Starts Vitrine: the engine (in a Worker when it can), storage (IndexedDB when it can)
 * and the shopper's stored consent.
 * @param options see {@link VitrineOptions}; `siteId` is required
 * @returns the running instance
 * @throws VitrineError `invalid-options`, or `engine-failed` when `engine: 'worker'` cannot start
 * @example
 * const v = await createVitrine({ siteId: 'demo-shop' })
 * await v.consent.set({ functional: true, personalization: true, measurement: false })
 * v.track('product_view', { sku: 'TR-1', category: 'trail-running' })
 */
export async function createVitrine(options: VitrineOptions): Promise<Vitrine> {
  const opts = pageOptions(options);
  // Before any script or Worker of the SDK's is created: they go through it under Trusted Types.
  createScriptPolicy();
  // Absolute, so the engine (maybe in a blob: Worker) finds the other SDK files beside it.
  const workerUrl = new URL(opts.workerUrl ?? defaultWorkerUrl() ?? 'vitrine-worker.js', document.baseURI).href;
  const engine = resumable(await startEngine(opts.engine, workerUrl, opts.callTimeoutMs));
  const notes: string[] = engine.fallbackReason ? [`engine: ${engine.fallbackReason}`] : [];
  let storage: StorageKind = 'memory';
  let storageNote: string | undefined;

  const batcher = createBatcher(engine, opts.trackBatchSize, logError);
  let reports: ReportStatus = { pending: 0, sent: 0, dropped: 0 };
  let reportUrl = '';
  let ready: ReadyReport[] = [];
  // Withdrawals and erasures under way: the page sends no report meanwhile.
  let withheld = 0;
  const withholding = async <T>(fn: () => Promise<T>): Promise<T> => {
    withheld++;
    ready = [];
    try {
      return await fn();
    } finally {
      withheld--;
    }
  };
  const cart = createCart(engine, logError);
  const gpc = (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
  const consent = createConsentCore(async (next) => {
    // Events tracked under the old decision reach the engine before the new one.
    batcher.send();
    const apply = async () => {
      // Events come on another channel than answers, so the storage event may come later.
      storage = await engine.call('setConsent', next);
      if (storage === 'indexeddb') storageNote = undefined;
    };
    // Withdrawing: from this moment nothing more leaves the page, not even reports the engine tells of meanwhile.
    await (next.purposes.measurement ? apply() : withholding(apply));
  }, logError, gpc);

  let catalogVersion: string | null = null;
  let catalogNote: string | undefined;
  let priorsVersion: string | null = null;
  let priorsNote: string | undefined;
  const onEvent = (event: EngineEvent) => {
    if (event.type === 'cart') cart.changed(event.cart, event.cause);
    else if (event.type === 'consent') consent.adopt(event.consent);
    else if (event.type === 'catalog') {
      catalogVersion = event.version;
      catalogNote = event.error;
    } else if (event.type === 'priors') {
      priorsVersion = event.version;
      priorsNote = event.error;
    } else if (event.type === 'reports') {
      ({ status: reports, url: reportUrl, ready } = event);
      if (withheld) ready = [];
    } else if (event.type === 'storage') {
      storage = event.storage;
      storageNote = event.reason;
    }
  };
  const greet = (hello: EngineHello) => {
    storage = hello.storage;
    storageNote = hello.storageReason;
    catalogVersion = hello.catalogVersion;
    return hello.consent ? consent.restore(hello.consent) : undefined;
  };
  let hello: EngineHello;
  try {
    hello = await engine.call('init', { ...options, workerUrl }, onEvent);
  } catch (error) {
    engine.terminate();
    throw error;
  }
  await greet(hello);
  consent.on('change', (c) => {
    // Also when another tab withdrew: what this page held may have been erased there.
    if (!c.purposes.measurement) {
      ready = [];
      reports = { ...reports, pending: 0 };
    }
  });
  // The CMP on the page, read by its adapter (a chunk loaded on demand); closed until it speaks.
  let stopAdapter: (() => void) | undefined;
  let destroyed = false;
  const cmp = hello.consentOptions;
  if (cmp.source !== 'manual') {
    void (async () => {
      const source = cmp.source === 'auto' ? await detectCmp(window, cmp.waitMs) : cmp.source;
      if (source === 'manual' || destroyed) return;
      const adapter = await adapterChunk(source, workerUrl, opts.callTimeoutMs);
      if (destroyed) return;
      stopAdapter = adapter({
        window,
        options: cmp,
        onSignal: (signal) => void consent.external(signal, source).catch(logError),
      });
    })().catch(logError);
  }
  if (hello.cart.restored) cart.changed(hello.cart, 'restore');

  // The page may be gone before the engine's own sends finish: what is due goes out from the
  // page too, and stays in the outbox until a send is acknowledged (the collector counts an id
  // once). A keepalive fetch is sendBeacon without the cookies sendBeacon cannot leave out.
  const beacon = () => {
    if (withheld || !consent.get().purposes.measurement) return;
    for (const r of ready) {
      if (r.nextAt <= Date.now()) void fetch(reportUrl, { method: 'POST', body: r.body, keepalive: true, credentials: 'omit' }).catch(() => undefined);
    }
    ready = [];
  };
  const onHide = () => {
    if (document.visibilityState !== 'hidden') return;
    batcher.send();
    beacon();
  };
  const onPageHide = (event: PageTransitionEvent) => {
    // Into the back-forward cache: the engine stops (src/resumable.ts); what is queued waits for the next one.
    if (event.persisted) engine.pause();
    batcher.send();
    beacon();
  };
  // Back from the cache: a new engine, and what happened meanwhile in other tabs (consent, cart).
  const restart = async () => {
    const next = await startEngine(opts.engine, workerUrl, opts.callTimeoutMs);
    try {
      const hello = await next.call('init', { ...options, workerUrl }, onEvent);
      engine.resume(next);
      if (!hello.consent) consent.adopt(undecided());
      await greet(hello);
      cart.changed(hello.cart, 'remote');
    } catch (error) {
      next.terminate();
      throw error;
    }
  };
  const onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted && engine.paused) void restart().catch(logError).finally(() => engine.resume());
  };
  document.addEventListener('visibilitychange', onHide);
  addEventListener('pagehide', onPageHide);
  addEventListener('pageshow', onPageShow as (event: Event) => void);

  const decide = async (slot: string, options?: DecideOptions) => {
    // What the page just tracked counts for this decision.
    batcher.send();
    return engine.call('decide', slot, options);
  };
  const renderDeps = {
    decide,
    cached: (slot: string) => engine.call('cachedDecision', slot),
    record: (r: ExposureInput) => engine.call('exposure', r).catch(logError),
  };

  return {
    track(type, payload) {
      batcher.push(validateTrack(type, payload, Date.now()));
    },
    decide,
    async render(slot, element, options) {
      // By node type, not instanceof: the element may come from another frame.
      if ((element as Partial<Element> | null)?.nodeType !== 1) throw new VitrineError('invalid-payload', 'render.element: expected a DOM element');
      const { renderSlot } = await renderChunk(workerUrl, opts.callTimeoutMs);
      return renderSlot(renderDeps, slot, element, options);
    },
    flush: () => batcher.flush(),
    cart,
    consent,
    privacy: {
      export: () => engine.call('exportData'),
      async forget() {
        await batcher.flush().catch(() => undefined);
        storageNote = await withholding(() => engine.call('forget'));
        storage = 'memory';
        consent.adopt(undecided());
        cart.changed(await engine.call('getCart'), 'local');
      },
      interests: () => engine.call('interests'),
      async mute(category) {
        await engine.call('mute', category);
      },
      async prefer(category) {
        await engine.call('prefer', category);
      },
    },
    state: () => ({
      engine: engine.kind,
      storage,
      consent: consent.get(),
      catalogVersion,
      priorsVersion,
      reports: { ...reports },
      notes: [
        ...notes,
        ...(storageNote ? [`storage: ${storageNote}`] : []),
        ...(catalogNote ? [`catalog: ${catalogNote}`] : []),
        ...(priorsNote ? [`priors: ${priorsNote}`] : []),
        ...(reports.error ? [`reports: ${reports.error}`] : []),
      ],
    }),
    async destroy() {
      destroyed = true;
      stopAdapter?.();
      document.removeEventListener('visibilitychange', onHide);
      removeEventListener('pagehide', onPageHide);
      removeEventListener('pageshow', onPageShow as (event: Event) => void);
      await batcher.flush().catch(() => undefined);
      await engine.call('close').catch(() => undefined);
      engine.terminate();
    },
  };
}
