import { VitrineError } from './protocol/errors';
import { isPlainObject } from './protocol/validate';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_TRACK_BATCH_SIZE, type EngineMode, type VitrineOptions } from './protocol/options';

/** The few options the page needs before the engine has validated them all. */
export interface PageOptions {
  engine: EngineMode;
  workerUrl: string | undefined;
  callTimeoutMs: number;
  trackBatchSize: number;
}

const positive = (v: unknown, fallback: number) => (typeof v === 'number' && v > 0 ? v : fallback);

/**
 * Reads what the page needs to start the engine. Every option is validated once, by the
 * engine (`resolveOptions`), which rejects `createVitrine` with a message naming the option.
 * @param input the untrusted options
 */
export function pageOptions(input: VitrineOptions): PageOptions {
  if (!isPlainObject(input)) throw new VitrineError('invalid-options', 'options: expected an object such as { siteId: "my-shop" }');
  return {
    engine: input.engine === 'worker' || input.engine === 'inline' ? input.engine : 'auto',
    workerUrl: typeof input.workerUrl === 'string' ? input.workerUrl : undefined,
    callTimeoutMs: positive(input.callTimeoutMs, DEFAULT_CALL_TIMEOUT_MS),
    trackBatchSize: positive(input.trackBatchSize, DEFAULT_TRACK_BATCH_SIZE),
  };
}
