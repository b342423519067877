import { VitrineError } from './protocol/errors';
import { validateTrack, type TrackPayloads, type TrackType } from './protocol/events';
import { undecided, type ConsentState } from './protocol/consent';
import type { EngineEvent, EngineHello, EngineKind, ExportedData, StorageKind } from './protocol/engine';
import { pageOptions } from './options';
import type { VitrineOptions } from './protocol/options';
import { startEngine } from './engine';
import { createBatcher } from './track';
import { createCart, type CartApi } from './cart';
import { createConsentCore, type ConsentApi } from './consent/core';

/** What is running, for the merchant to see (a contract: DESIGN.md §3). */
export interface VitrineState {
  engine: EngineKind;
  storage: StorageKind;
  consent: ConsentState;
  catalogVersion: string | null;
  /** Why storage is in memory or the engine is not in a Worker, when that is so. */
  notes: string[];
}

/** `v.privacy`: what the shopper can see and erase. */
export interface PrivacyApi {
  /** @returns everything stored about the shopper on this device, as JSON-ready data */
  export(): Promise<ExportedData>;
  /** Erases everything on this device, the database included, in every open tab. */
  forget(): Promise<void>;
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

function report(error: unknown): void {
  const e = error instanceof VitrineError ? `${error.code}: ${error.message}` : error;
  console.error('[vitrine]', e);
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
  const engine = await startEngine(opts.engine, opts.workerUrl ?? defaultWorkerUrl(), opts.callTimeoutMs);
  const notes: string[] = engine.fallbackReason ? [`engine: ${engine.fallbackReason}`] : [];
  let storage: StorageKind = 'memory';
  let storageNote: string | undefined;

  const batcher = createBatcher(engine, opts.trackBatchSize, report);
  const cart = createCart(engine, report);
  const consent = createConsentCore(async (next) => {
    // Events tracked under the old decision reach the engine before the new one.
    batcher.send();
    await engine.call('setConsent', next);
  }, report);

  const onEvent = (event: EngineEvent) => {
    if (event.type === 'cart') cart.changed(event.cart, event.cause);
    else if (event.type === 'consent') consent.adopt(event.consent);
    else {
      storage = event.storage;
      storageNote = event.reason;
    }
  };
  let hello: EngineHello;
  try {
    hello = await engine.call('init', options, onEvent);
  } catch (error) {
    engine.terminate();
    throw error;
  }
  storage = hello.storage;
  storageNote = hello.storageReason;
  if (hello.consent) consent.adopt({ ...hello.consent, source: 'stored' });
  if (hello.cart.restored) cart.changed(hello.cart, 'restore');

  const onHide = () => {
    if (document.visibilityState === 'hidden') batcher.send();
  };
  const onPageHide = () => batcher.send();
  document.addEventListener('visibilitychange', onHide);
  addEventListener('pagehide', onPageHide);

  return {
    track(type, payload) {
      batcher.push(validateTrack(type, payload, Date.now()));
    },
    flush: () => batcher.flush(),
    cart,
    consent,
    privacy: {
      export: () => engine.call('exportData'),
      async forget() {
        await batcher.flush().catch(() => undefined);
        await engine.call('forget');
        storage = 'memory';
        storageNote = 'erased by privacy.forget(); IndexedDB reopens at the next consent decision';
        consent.adopt(undecided());
        cart.changed(await engine.call('cart', null), 'local');
      },
    },
    state: () => ({
      engine: engine.kind,
      storage,
      consent: consent.get(),
      catalogVersion: null,
      notes: storageNote ? [...notes, `storage: ${storageNote}`] : [...notes],
    }),
    async destroy() {
      document.removeEventListener('visibilitychange', onHide);
      removeEventListener('pagehide', onPageHide);
      await batcher.flush().catch(() => undefined);
      await engine.call('close').catch(() => undefined);
      engine.terminate();
    },
  };
}
