import { VitrineError, type ErrorCode } from './errors';

/**
 * Rejects with a {@link VitrineError} when `promise` has not settled within `ms`.
 * @param promise the work to wait for
 * @param ms how long to wait
 * @param code the error code on timeout
 * @param what names the call in the error message
 * @returns the promise's value
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, code: ErrorCode, what: string): Promise<T> {
  // One promise and one timer per call (no race of two promises): every engine call goes through here.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new VitrineError(code, `${what} did not answer within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
