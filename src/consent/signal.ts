import type { PurposeName } from '../protocol/consent';
import { logError } from '../protocol/errors';
import type { ResolvedConsentOptions } from '../protocol/options';

/** What a CMP says, mapped to Vitrine's purposes. */
export interface ConsentSignal {
  functional: boolean;
  personalization: boolean;
  measurement: boolean;
  /** True when it comes from the shopper acting in the banner now, not from a stored or default state. */
  explicit: boolean;
}

/** The page's globals, as the adapters read them. Adapters only read; they never write to a CMP. */
// biome-ignore lint/suspicious/noExplicitAny: CMPs' globals, of many shapes; an adapter checks each member it reads.
export type PageWindow = Window & Record<string, any>;

/** What an adapter gets. */
export interface AdapterContext {
  window: PageWindow;
  options: ResolvedConsentOptions;
  /** Call with each decision the CMP makes known; never called means the SDK stays closed. */
  onSignal(signal: ConsentSignal): void;
}

/** Starts reading a CMP; returns a function that stops. */
export type ConsentAdapter = (context: AdapterContext) => () => void;

/** Each purpose's CMP names: the merchant's `consent.categories`, else the adapter's defaults. */
export function namesFor(options: ResolvedConsentOptions, defaults: Record<PurposeName, string[]>): Record<PurposeName, string[]> {
  return {
    functional: options.categories.functional ?? defaults.functional,
    personalization: options.categories.personalization ?? defaults.personalization,
    measurement: options.categories.measurement ?? defaults.measurement,
  };
}

/**
 * Maps "is this CMP name granted?" to the three purposes: a purpose is granted when all
 * of its names are.
 */
export function signalOf(granted: (name: string) => boolean, names: Record<PurposeName, string[]>, explicit: boolean): ConsentSignal {
  const all = (list: string[]) => list.length > 0 && list.every(granted);
  return { functional: all(names.functional), personalization: all(names.personalization), measurement: all(names.measurement), explicit };
}

/**
 * Calls `found` once `check` returns something, polling while the CMP loads (they load
 * asynchronously), for at most `waitMs`.
 * @returns a function that stops waiting
 */
export function whenAvailable<T>(check: () => T | undefined | null | false, found: (value: T) => void, waitMs: number): () => void {
  let now: T | undefined | null | false;
  try {
    now = check();
    if (now) {
      found(now);
      return () => undefined;
    }
  } catch (error) {
    logError(error);
    return () => undefined;
  }
  const started = Date.now();
  const timer = setInterval(() => {
    let value: T | undefined | null | false;
    try {
      value = check();
      if (value) {
        clearInterval(timer);
        found(value);
      }
    } catch (error) {
      // A CMP that throws leaves the SDK closed; the error must not reach the host page.
      clearInterval(timer);
      logError(error);
      return;
    }
    if (!value && Date.now() - started > waitMs) clearInterval(timer);
  }, 100);
  return () => clearInterval(timer);
}

/**
 * The TCF purposes mapping of the README ("Consent banners (CMPs)"), shared by the TCF and GPP (tcfeuv2) adapters.
 * Legitimate interest never counts for purposes 1, 5 and 6; it may for 8 (measurement).
 * @param consent purpose n has consent
 * @param interest purpose n has legitimate interest
 * @param vendor the configured vendor (if any) has consent
 */
export function tcfSignal(consent: (n: number) => boolean, interest: (n: number) => boolean, vendor: boolean, explicit: boolean): ConsentSignal {
  const storage = consent(1) && vendor;
  return {
    functional: storage,
    personalization: storage && consent(5) && consent(6),
    measurement: storage && (consent(8) || interest(8)),
    explicit,
  };
}

/**
 * The window holding the TCF `__tcfapiLocator` frame, for a page inside an iframe.
 * @returns that window, or undefined when the page is not below a TCF CMP
 */
export function findTcfLocator(w: PageWindow): Window | undefined {
  let frame: Window | null = w;
  for (let depth = 0; frame && depth < 10; depth++) {
    try {
      if ((frame.frames as unknown as { __tcfapiLocator?: unknown }).__tcfapiLocator) return frame === w ? undefined : frame;
    } catch {
      // A cross-origin ancestor: its frames cannot be read, keep climbing.
    }
    if (frame === w.top) break;
    frame = frame.parent;
  }
  return undefined;
}
