/**
 * The worker bundle's entry (dist/vitrine-worker.js). In a Worker it answers the page's
 * {@link EngineCall}s with one engine and says it is ready; loaded as a classic script in a
 * page (the in-thread fallback) it registers the engine factory on a global instead.
 */
import { createEngine } from './engine';
import { toErrorData } from '../src/protocol/errors';
import { INLINE_GLOBAL, READY_MESSAGE, type EngineCall, type EngineMessage, type Reply } from '../src/protocol/engine';
import { shareWithChunks } from './shared';

declare const WorkerGlobalScope: (new () => unknown) | undefined;

shareWithChunks();

const inWorker = typeof WorkerGlobalScope === 'function' && globalThis instanceof WorkerGlobalScope;

/** Answers the page's calls, each with its id; the engine's events go to the page as they come. */
function serve(scope: { postMessage(message: EngineMessage): void; onmessage: ((event: MessageEvent<EngineCall>) => void) | null }): void {
  const engine = createEngine();
  const post = (message: EngineMessage) => {
    try {
      scope.postMessage(message);
    } catch (error) {
      // A value that cannot be cloned is answered as an error, so the call does not hang.
      if ('id' in message) scope.postMessage({ id: message.id, reply: { ok: false, error: toErrorData(error, 'engine-failed') } });
    }
  };
  scope.onmessage = ({ data: { id, method, args } }) => {
    // Own methods only: a name such as `constructor` is no engine method.
    const fn = (Object.hasOwn(engine, method) ? engine[method] : undefined) as ((...a: unknown[]) => Promise<Reply<unknown>>) | undefined;
    if (typeof fn !== 'function') return post({ id, reply: { ok: false, error: { code: 'engine-failed', message: `no engine method ${String(method)}` } } });
    if (method === 'init') args[1] = (event: unknown) => post({ event } as EngineMessage);
    void fn(...args).then((reply) => post({ id, reply }));
  };
  scope.postMessage(READY_MESSAGE as never);
}

if (inWorker) serve(globalThis as never);
else (globalThis as Record<string, unknown>)[INLINE_GLOBAL] = createEngine;
