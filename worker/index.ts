/**
 * The worker bundle's entry (dist/vitrine-worker.js). In a Worker it exposes one engine over
 * comlink and says it is ready; loaded as a classic script in a page (the in-thread
 * fallback) it registers the engine factory on a global instead.
 */
import { expose } from 'comlink';
import { createEngine } from './engine';
import { INLINE_GLOBAL, READY_MESSAGE } from '../src/protocol/engine';
import { shareWithChunks } from './shared';

declare const WorkerGlobalScope: (new () => unknown) | undefined;

shareWithChunks();

const inWorker = typeof WorkerGlobalScope === 'function' && globalThis instanceof WorkerGlobalScope;

if (inWorker) {
  expose(createEngine());
  (globalThis as unknown as { postMessage(message: unknown): void }).postMessage(READY_MESSAGE);
} else {
  (globalThis as Record<string, unknown>)[INLINE_GLOBAL] = createEngine;
}
