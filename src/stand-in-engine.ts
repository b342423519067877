import { validateCartOp, type CartOp } from './protocol/cart';
import { changedRecord, emptyCart, revalidateLines, toCart, visitCartOf } from './protocol/cart-rules';
import { ADAPTER_NAMES, DEFAULT_CONSENT_WAIT_MS, type ResolvedConsentOptions, type VitrineOptions } from './protocol/options';
import type { EngineApi } from './protocol/engine';
import type { EngineClient } from './engine';
import type { engineFileProblem } from './engine-file';

/*
 * The page's stand-in for an engine that could not start (its file missing, a host answering
 * HTML, Workers and the page both refusing it): the SDK degrades instead of going dark. The
 * cart lives in memory for the page (and in the visit's copy, src/session-cart.ts, as usual),
 * consent decisions are taken and kept nowhere, there are no offers, and nothing is stored on
 * the device or sent. `v.state()` says `engine: 'none'`, and its notes say what failed. It is
 * a chunk of its own, loaded from beside vitrine.js only then: every page would pay for it
 * otherwise.
 */

type Answers = { [K in keyof EngineApi]: (...args: Parameters<EngineApi[K]>) => unknown };

/** What the stand-in chunk (dist/vitrine-stand-in.js) gives the page. */
export interface StandInModule {
  standInEngine: typeof standInEngine;
  engineFileProblem: typeof engineFileProblem;
}

/** The consent options as the engine would resolve them, read leniently: the stand-in refuses nothing. */
function consentOptionsOf(options: VitrineOptions): ResolvedConsentOptions {
  const c = Object(options.consent) as NonNullable<VitrineOptions['consent']>;
  const source = ['manual', 'auto', ...ADAPTER_NAMES].includes(c.source as string) ? c.source! : 'manual';
  return {
    source,
    categories: Object.fromEntries(Object.entries(Object(c.categories)).map(([purpose, names]) => [purpose, [names].flat().map(String)])),
    vendorId: Number(c.vendorId) || undefined,
    waitMs: Number(c.waitMs) || DEFAULT_CONSENT_WAIT_MS,
  };
}

/**
 * @param reason why no engine runs, for `state().notes`
 * @returns an engine client that answers every call in the page
 */
export function standInEngine(reason: string): EngineClient {
  // The cart by the engine's own rules and checks (src/protocol/cart-rules.ts), in memory.
  let record = emptyCart();
  let siteId = '';
  const cart = () => toCart(record, false);
  const change = (op: CartOp) => (record = changedRecord(record, op, Date.now()));
  const answers: Answers = {
    init(options, _onEvent, visitCart) {
      siteId = String(options.siteId);
      record = visitCartOf(visitCart, Date.now()) ?? record;
      return {
        storage: 'memory',
        storageReason: 'no engine: the cart is kept for this visit only, nothing else',
        consent: null,
        cart: cart(),
        catalogVersion: null,
        consentOptions: consentOptionsOf(options),
      };
    },
    track: (events) => events.length,
    getCart: cart,
    cart(raw) {
      change(validateCartOp(raw));
      return cart();
    },
    revalidateCart(current) {
      const op = validateCartOp({ kind: 'revalidate', current }) as Extract<CartOp, { kind: 'revalidate' }>;
      const { repriced, removed, unchecked } = revalidateLines(record.lines, op.current, Date.now());
      change(op);
      return { cart: cart(), repriced, removed, unchecked };
    },
    setConsent: () => 'memory',
    decide: () => [],
    cachedDecision: () => null,
    exposure: () => null,
    interests: () => [],
    mute: () => null,
    prefer: () => null,
    exportData: () => ({ exportedAt: new Date().toISOString(), siteId, storage: 'memory', stores: {}, memory: { cart: cart(), undecidedSignals: [] }, kept: [] }),
    forget() {
      record = emptyCart();
      return 'no engine: the cart is kept for this visit only, nothing else';
    },
    close: () => null,
  };
  return {
    kind: 'none',
    fallbackReason: reason,
    call: async (method, ...args) => (answers[method] as (...a: unknown[]) => unknown)(...args) as never,
    terminate: () => undefined,
  };
}
