/**
 * Stable error codes. Messages are for developers; the code is what programs branch on.
 */
export type ErrorCode =
  | 'invalid-options'
  /** A queued `vitrine(name, …)` command that does not exist (the message lists those that do). */
  | 'unknown-command'
  | 'invalid-payload'
  | 'invalid-cart-item'
  | 'invalid-consent'
  | 'invalid-handoff'
  | 'consent-required'
  | 'catalog-invalid'
  | 'catalog-signature'
  | 'catalog-unavailable'
  | 'priors-invalid'
  | 'priors-signature'
  | 'priors-unavailable'
  | 'report-invalid'
  | 'not-ready'
  | 'engine-failed'
  | 'engine-timeout'
  | 'engine-closed'
  | 'storage-failed'
  | 'storage-timeout';

const NAME = 'VitrineError';

/**
 * True for an error of the SDK, whichever bundle made it. Each bundle (the page's, the
 * worker, every chunk) carries its own copy of the class, so an error is recognised by its
 * name and the presence of a code, never by class identity.
 * @param error anything thrown
 */
export function isVitrineError(error: unknown): error is VitrineError {
  const e = error as { name?: unknown; code?: unknown } | null | undefined;
  return e?.name === NAME && typeof e.code === 'string';
}

/** Plain, structured-cloneable form of a {@link VitrineError}, as it crosses the worker boundary. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
}

/**
 * The one error class of the SDK. `code` is stable across versions. `instanceof` recognises
 * an SDK error from any of its bundles, as {@link isVitrineError} does.
 *
 * @example
 * try { v.track('product_view', {}) } catch (e) { if (e instanceof VitrineError) e.code }
 */
export class VitrineError extends Error {
  // Declared, not defined: the constructor assigns it, and the built class carries no field for it.
  declare readonly code: ErrorCode;

  // A field, not an assignment: Function.prototype's hasInstance is read-only, and a static
  // field defines its own property over it.
  static override readonly [Symbol.hasInstance] = isVitrineError;

  /**
   * @param code stable machine-readable code
   * @param message what went wrong, naming the field or call at fault
   */
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = NAME;
    this.code = code;
  }
}

/**
 * Turns anything thrown into plain error data with a code.
 * @param error what was thrown
 * @param fallback the code to use when the error is not a {@link VitrineError}
 * @returns plain error data
 */
export function toErrorData(error: unknown, fallback: ErrorCode): ErrorData {
  if (isVitrineError(error)) return { code: error.code, message: error.message };
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { code: fallback, message };
}

/**
 * The one console logger of the SDK, for errors it must not throw at the host page: an SDK
 * error as its code and message, anything else as it is.
 * @param error what was thrown or rejected (or a message)
 */
export function logError(error: unknown): void {
  console.error('[vitrine]', isVitrineError(error) ? `${error.code}: ${error.message}` : error);
}
