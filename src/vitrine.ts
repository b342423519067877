import { logError } from './protocol/errors';
import { validateTrack } from './protocol/events';
import { undecided } from './protocol/consent';
import { workerFile, type EngineEvent, type EngineHello, type StorageKind } from './protocol/engine';
import { pageOptions, type PageOptions } from './options';
import type { VitrineOptions } from './protocol/options';
import { startEngine } from './engine';
import { resumable } from './resumable';
import { followPageLifecycle } from './page-lifecycle';
import { createScriptPolicy } from './trusted-policy';
import { createTrackQueue } from './track';
import { pageReports } from './page-reports';
import { createCart } from './cart';
import { createConsentCore } from './consent/core';
import { consentToEngine } from './page-consent';
import { listenToCmp } from './consent/listen';
import { handoffChunk, qrChunk, standInChunk } from './chunks';
import { takeHandoff } from './handoff/take';
import { allLastOffers, eraseLastOffers } from './last-offers';
import { keepVisitCart, readVisitCart } from './session-cart';
import { lastSeen, markSeen, visitContinues } from './visit';
import type { Cart } from './protocol/cart';
import { slotRenderer } from './slots';
import type { RenderDeps } from './render';
import type { DecideOptions, ExposureInput } from './protocol/decision';
import type { Vitrine } from './api';

function defaultWorkerUrl(file: string): string | undefined {
  // Beside this module. Not `new URL(file, import.meta.url)`, which an app's bundler (Next's
  // Turbopack, webpack) takes for an asset to bundle, cannot resolve for a file named at run
  // time, and warns about in every build; the array hides the pattern (terser unwraps it here).
  const here = [import.meta.url][0];
  try {
    return new URL(file, here).href;
  } catch {
    return undefined;
  }
}

/** An instance on its way: `render` works at once, the rest once the engine has started. */
export interface StartingVitrine {
  /** Paints the slot's last offers from the page's copy at once, then the engine's answer. */
  render: Vitrine['render'];
  /** Resolves with the running instance; rejects as {@link createVitrine} does. */
  instance: Promise<Vitrine>;
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
  return startVitrine(options).instance;
}

/**
 * Starts Vitrine as {@link createVitrine} does, with slots that render before the engine has
 * started (the script tag renders the slots queued before it ran so).
 * @param options see {@link VitrineOptions}
 * @param standInFrom when the engine cannot start or refuses the options, run with the page's
 *   stand-in (src/stand-in-engine.ts), loaded from beside this URL (vitrine.js), and say why in
 *   `state().notes`, instead of rejecting (the script tag); undefined: reject
 * @throws VitrineError `invalid-options` when the options are not an object
 */
export function startVitrine(options: VitrineOptions, standInFrom?: string): StartingVitrine {
  const opts = pageOptions(options);
  // Before any script or Worker of the SDK's is created: they go through it under Trusted Types.
  createScriptPolicy();
  // Absolute, so the engine (maybe in a blob: Worker) finds the other SDK files beside it.
  const workerUrl = new URL(opts.workerUrl ?? defaultWorkerUrl(workerFile(options)) ?? workerFile(options), document.baseURI).href;
  const siteId = String(options.siteId);
  const handoff = takeHandoff();
  // A microtask later, so that the slots rendered at once paint before the engine starts.
  const running = Promise.resolve().then(() => run(options, opts, workerUrl, siteId, handoff, standInFrom));
  const instance: Promise<Vitrine> = running.then(({ api }) => ({ ...api, render }));
  // The engine's side of rendering comes a few microtasks after the caller's own reaction to
  // `instance`: the script tag runs the commands queued before a slot before that slot asks the engine.
  const engineSide = instance.then(() => running).then(({ deps }) => deps);
  const render = slotRenderer(engineSide, siteId, workerUrl, opts.callTimeoutMs);
  return { render, instance };
}

/** Starts the engine, and builds the instance (without `render`) and the engine's side of rendering. */
async function run(
  options: VitrineOptions,
  opts: PageOptions,
  workerUrl: string,
  siteId: string,
  handoff: string | null,
  standInFrom: string | undefined,
): Promise<{ api: Omit<Vitrine, 'render'>; deps: RenderDeps }> {
  // The script tag degrades instead of going dark: the page's stand-in, and the reason on the console and in the notes.
  const standIn = async (error: unknown) => {
    if (!standInFrom) throw error;
    // Without the stand-in's file either, the error goes to the caller as it is (the script tag logs it once).
    const { standInEngine } = await standInChunk(standInFrom, opts.callTimeoutMs).catch(() => Promise.reject(error));
    logError(error);
    return standInEngine((error as Error).message);
  };
  const checkFile = standInFrom ? async (url: string) => (await standInChunk(standInFrom, opts.callTimeoutMs)).engineFileProblem(url) : undefined;
  const engine = resumable(await startEngine(opts.engine, workerUrl, opts.callTimeoutMs, checkFile).catch(standIn));
  const notes: string[] = [];
  let storage: StorageKind = 'memory';
  let storageNote: string | undefined;

  const trackQueue = createTrackQueue(engine, opts.trackBatchSize, logError);
  const reports = pageReports(() => consent.get().purposes.measurement);
  const chunks = { handoff: () => handoffChunk(workerUrl, opts.callTimeoutMs), qr: () => qrChunk(workerUrl, opts.callTimeoutMs) };
  const cart = createCart(engine, logError, chunks);
  const applied = (kind: StorageKind) => {
    storage = kind;
    if (kind === 'indexeddb') storageNote = undefined;
  };
  const gpc = (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
  const consent = createConsentCore(consentToEngine(engine, trackQueue, reports, applied), logError, gpc);

  let catalogVersion: string | null = null;
  let catalogNote: string | undefined;
  let priorsVersion: string | null = null;
  let priorsNote: string | undefined;
  const onEvent = (event: EngineEvent) => {
    if (event.type === 'cart') cart.changed(event.cart, event.cause);
    else if (event.type === 'consent') consent.adopt(event.consent);
    else if (event.type === 'catalog') {
      catalogVersion = event.version;
      // Told once on the console too, with the server's reason when it gave one.
      if (event.error && event.error !== catalogNote) console.warn('[vitrine]', `catalog: ${event.error}`);
      catalogNote = event.error;
    } else if (event.type === 'priors') {
      priorsVersion = event.version;
      priorsNote = event.error;
    } else if (event.type === 'reports') reports.told(event);
    else if (event.type === 'storage') {
      storage = event.storage;
      storageNote = event.reason;
    }
  };
  const greet = async (hello: EngineHello) => {
    storage = hello.storage;
    storageNote = hello.storageReason;
    catalogVersion = hello.catalogVersion;
    if (hello.consent) await consent.restore(hello.consent);
    markSeen(siteId, consent.get().purposes.functional);
    // As the engine erases at each start what the decision (capped by Global Privacy Control) does not allow.
    if (!consent.get().purposes.personalization) eraseLastOffers(siteId);
  };
  let hello: EngineHello;
  try {
    hello = await engine.call('init', { ...options, workerUrl }, onEvent, readVisitCart(siteId), visitContinues(siteId));
  } catch (error) {
    engine.terminate();
    engine.resume(await standIn(error));
    hello = await engine.call('init', { ...options, workerUrl }, onEvent, readVisitCart(siteId), visitContinues(siteId));
  }
  if (engine.fallbackReason) notes.push(`engine: ${engine.fallbackReason}`);
  for (const warning of hello.warnings ?? []) {
    console.warn('[vitrine]', warning);
    notes.push(warning);
  }
  await greet(hello);
  // The cart of this visit (src/session-cart.ts), kept after each change and each consent decision.
  const keepVisit = (c: Cart) => {
    const { decided, purposes } = consent.get();
    keepVisitCart(siteId, c, decided && !(purposes.functional && storage === 'indexeddb'));
  };
  keepVisit(hello.cart);
  cart.on('change', keepVisit);
  consent.on('change', (c) => {
    void consent
      .settled()
      .then(() => engine.call('getCart'))
      .then(keepVisit, logError);
    if (!c.purposes.personalization) eraseLastOffers(siteId);
    markSeen(siteId, c.purposes.functional);
    // Also when another tab withdrew: what this page held may have been erased there.
    if (!c.purposes.measurement) reports.dropReady();
  });
  // The CMP on the page, read by its adapter (a chunk loaded on demand); closed until it speaks.
  const stopCmp = listenToCmp(consent, hello.consentOptions, workerUrl, opts.callTimeoutMs);
  if (hello.cart.restored) cart.changed(hello.cart, 'restore');
  // Opened with a cart handoff link: the shopper is asked before anything changes.
  if (handoff)
    void chunks
      .handoff()
      .then((h) => h.receiveHandoff(handoff, cart, document))
      .catch(logError);

  // The visit goes on while the shopper reads: the tab's note of it moves as a page is left.
  const leaving = () => {
    markSeen(siteId, consent.get().purposes.functional);
    trackQueue.send();
    reports.sendOnHide();
  };
  // Back from the cache: a new engine, and what happened meanwhile in other tabs (consent, cart).
  const restart = async () => {
    const next = await startEngine(opts.engine, workerUrl, opts.callTimeoutMs);
    try {
      const hello = await next.call('init', { ...options, workerUrl }, onEvent, readVisitCart(siteId), visitContinues(siteId));
      engine.resume(next);
      if (!hello.consent) consent.adopt(undecided());
      await greet(hello);
      cart.changed(hello.cart, 'remote');
    } catch (error) {
      next.terminate();
      throw error;
    }
  };
  const destroyed = new AbortController();
  followPageLifecycle(engine, leaving, restart, destroyed.signal);

  const decide = async (slot: string, options?: DecideOptions) => {
    // What the page just tracked, and the consent decisions asked for, count for this decision.
    trackQueue.send();
    await consent.settled();
    return engine.call('decide', slot, options);
  };
  const deps: RenderDeps = {
    siteId,
    // Kept as the engine keeps its decisions: with personalization, and storage on the device.
    personalized: () => consent.get().purposes.personalization && storage === 'indexeddb',
    decide,
    cached: (slot: string) => engine.call('cachedDecision', slot),
    record: (r: ExposureInput) => engine.call('exposure', r).catch(logError),
  };

  const { changed: _changed, apply: _apply, ...cartApi } = cart;
  /** A note of `state()`, when there is one to give: `catalog: …`. */
  const noted = (part: string, note: string | undefined) => (note ? [`${part}: ${note}`] : []);
  const api: Omit<Vitrine, 'render'> = {
    track(type, payload) {
      trackQueue.push(validateTrack(type, payload, Date.now()));
    },
    decide,
    flush: () => trackQueue.flush(),
    // What the page may call, without the SDK's own hooks (they feed changes from the engine and the CMP).
    cart: cartApi,
    consent: { get: consent.get, set: consent.set, on: consent.on },
    privacy: {
      async export() {
        return { ...(await engine.call('exportData')), page: { lastOffers: allLastOffers(siteId), visitCart: readVisitCart(siteId) as Cart | null, visitSeen: lastSeen(siteId) } };
      },
      async forget() {
        await trackQueue.flush().catch(() => undefined);
        eraseLastOffers(siteId);
        storageNote = await reports.withholding(() => engine.call('forget'));
        storage = 'memory';
        consent.adopt(undecided());
        // Undecided again: the visit's copy of the cart goes with this change (keepVisit).
        cart.changed(await engine.call('getCart'), 'local');
      },
      interests: () => engine.call('interests'),
      async mute(category) {
        await engine.call('mute', category);
        // The offers were chosen with that interest: the engine drops its own decisions too.
        eraseLastOffers(siteId);
      },
      async prefer(category) {
        await engine.call('prefer', category);
        eraseLastOffers(siteId);
      },
    },
    state: () => ({
      engine: engine.kind,
      storage,
      consent: consent.get(),
      catalogVersion,
      priorsVersion,
      reports: reports.status(),
      notes: [...notes, ...noted('storage', storageNote), ...noted('catalog', catalogNote), ...noted('priors', priorsNote), ...noted('reports', reports.status().error)],
    }),
    async destroy() {
      stopCmp();
      destroyed.abort();
      await trackQueue.flush().catch(() => undefined);
      await engine.call('close').catch(() => undefined);
      engine.terminate();
    },
  };
  return { api, deps };
}
