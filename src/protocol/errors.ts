/**
 * Stable error codes. Messages are for developers; the code is what programs branch on.
 */
export type ErrorCode =
  | 'invalid-options'
  | 'invalid-payload'
  | 'invalid-cart-item'
  | 'invalid-consent'
  | 'consent-required'
  | 'catalog-invalid'
  | 'catalog-signature'
  | 'catalog-unavailable'
  | 'report-invalid'
  | 'not-ready'
  | 'engine-failed'
  | 'engine-timeout'
  | 'engine-closed'
  | 'storage-failed'
  | 'storage-timeout';

/** Plain, structured-cloneable form of a {@link VitrineError}, as it crosses the worker boundary. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
}

/**
 * The one error class of the SDK. `code` is stable across versions.
 *
 * @example
 * try { v.track('product_view', {}) } catch (e) { if (e instanceof VitrineError) e.code }
 */
export class VitrineError extends Error {
  readonly code: ErrorCode;

  /**
   * @param code stable machine-readable code
   * @param message what went wrong, naming the field or call at fault
   */
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'VitrineError';
    this.code = code;
  }

  /** @returns the error as plain data, for postMessage */
  toData(): ErrorData {
    return { code: this.code, message: this.message };
  }
}

/**
 * Turns anything thrown into plain error data with a code.
 * @param error what was thrown
 * @param fallback the code to use when the error is not a {@link VitrineError}
 * @returns plain error data
 */
export function toErrorData(error: unknown, fallback: ErrorCode): ErrorData {
  if (error instanceof VitrineError) return error.toData();
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { code: fallback, message };
}
