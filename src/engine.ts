import { VitrineError } from './protocol/errors';
import { withTimeout } from './protocol/timeout';
import { INLINE_GLOBAL, READY_MESSAGE, type EngineApi, type EngineCall, type EngineEvent, type EngineKind, type EngineMessage, type Reply } from './protocol/engine';
import type { EngineMode } from './protocol/options';
import { runScript } from './protocol/chunks';
import { scriptUrl } from './protocol/trusted-types';

type Value<R> = R extends Promise<Reply<infer T>> ? T : never;

/** The page's handle on the engine: typed calls with a timeout, errors as {@link VitrineError}. */
export interface EngineClient {
  readonly kind: EngineKind;
  /** Why a faster way to run was not used, if one was skipped. */
  readonly fallbackReason: string | undefined;
  call<K extends keyof EngineApi>(method: K, ...args: Parameters<EngineApi[K]>): Promise<Value<ReturnType<EngineApi[K]>>>;
  /** Stops the engine; pending and later calls reject with `engine-closed`. */
  terminate(): void;
}

/** How long a Worker or the in-thread script may take to say it is ready. */
const READY_TIMEOUT_MS = 5_000;

function unwrapReply<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.value;
  throw new VitrineError(reply.error.code, reply.error.message);
}

/** Starts a Worker and waits for its ready message; rejects on an error event or timeout. */
function spawn(url: string, what: string): Promise<Worker> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(scriptUrl(url));
    } catch (error) {
      // WebKit refuses a cross-origin script at once with a bare "The operation is insecure."
      return reject(new VitrineError('engine-failed', `${what}: ${(error as Error).message}`));
    }
    const done = (error?: VitrineError) => {
      clearTimeout(timer);
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
      if (!error) return resolve(worker);
      worker.terminate();
      reject(error);
    };
    const onMessage = (event: MessageEvent) => {
      if (event.data === READY_MESSAGE) done();
    };
    const onError = (event: Event) => {
      event.preventDefault?.();
      done(new VitrineError('engine-failed', `${what} failed to start`));
    };
    const timer = setTimeout(() => done(new VitrineError('engine-timeout', `${what} did not start within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
  });
}

function workerClient(worker: Worker, kind: EngineKind, timeoutMs: number, fallbackReason: string | undefined): EngineClient {
  // Each call waits under its id for the engine's answer; the engine's events go to the
  // function `init` was given.
  const pending = new Map<number, { resolve(reply: Reply<unknown>): void; reject(error: VitrineError): void }>();
  let nextId = 0;
  let onEvent: ((event: EngineEvent) => void) | undefined;
  let dead: VitrineError | undefined;
  const die = (error: VitrineError) => {
    if (dead) return;
    dead = error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
    worker.terminate();
  };
  worker.addEventListener('message', ({ data }: MessageEvent<EngineMessage>) => {
    if (!data || typeof data !== 'object') return;
    if ('event' in data) return onEvent?.(data.event);
    pending.get(data.id)?.resolve(data.reply);
    pending.delete(data.id);
  });
  // An uncaught error in the worker means it can no longer be trusted to answer.
  worker.addEventListener('error', () => die(new VitrineError('engine-failed', 'the engine worker died')));
  worker.addEventListener('messageerror', () => die(new VitrineError('engine-failed', "the engine worker's message could not be read")));
  return {
    kind,
    fallbackReason,
    call(method, ...args) {
      if (dead) return Promise.reject(dead);
      const id = nextId++;
      const answer = new Promise<Reply<unknown>>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        const sent = args.map((a) => (typeof a === 'function' ? ((onEvent = a as typeof onEvent), null) : a));
        try {
          worker.postMessage({ id, method, args: sent } satisfies EngineCall);
        } catch (error) {
          // postMessage refuses what it cannot clone (functions, DOM nodes) with a DataCloneError.
          reject(new VitrineError('invalid-payload', `engine.${method}: ${(error as Error).message}`));
        }
      });
      return withTimeout(answer, timeoutMs, 'engine-timeout', `engine.${method}`)
        .then(unwrapReply)
        .finally(() => pending.delete(id)) as never;
    },
    terminate: () => die(new VitrineError('engine-closed', 'the engine was closed')),
  };
}

/** Says what is wrong with the engine's file (src/engine-file.ts), or undefined when it is served as JavaScript. */
export type FileCheck = (url: string) => Promise<string | undefined>;

async function inlineClient(url: string | undefined, timeoutMs: number, fallbackReason: string | undefined, checkFile: FileCheck | undefined): Promise<EngineClient> {
  const g = globalThis as Record<string, unknown>;
  if (typeof g[INLINE_GLOBAL] !== 'function') {
    if (!url) throw new VitrineError('engine-failed', 'no workerUrl to load the engine from');
    // The Workers could not start from it: a file that is not JavaScript is named, not run in the page.
    const problem = fallbackReason && (await checkFile?.(url).catch(() => undefined));
    if (problem) throw new VitrineError('engine-failed', problem);
    await withTimeout(runScript(url), READY_TIMEOUT_MS, 'engine-timeout', `loading ${url}`);
  }
  const factory = g[INLINE_GLOBAL];
  if (typeof factory !== 'function') throw new VitrineError('engine-failed', `${url} did not define the engine`);
  const api = (factory as () => EngineApi)();
  let closed = false;
  return {
    kind: 'inline',
    fallbackReason,
    call(method, ...args) {
      if (closed) return Promise.reject(new VitrineError('engine-closed', 'the engine was closed'));
      const fn = api[method] as unknown as (...a: unknown[]) => Promise<Reply<never>>;
      return withTimeout(fn(...args), timeoutMs, 'engine-timeout', `engine.${method}`).then(unwrapReply) as never;
    },
    terminate() {
      closed = true;
      // Called as the page goes into the back-forward cache or away: no write may start now.
      void api.close(true);
    },
  };
}

/**
 * Starts the engine: a Worker from `workerUrl`, else a `blob:` Worker that imports it (for a
 * worker script on another origin, such as a CDN), else the same engine code in the page
 * (for CSP-blocked workers and test environments).
 * @param mode `auto` tries all three; `worker` only the Workers; `inline` only the page
 * @param workerUrl URL of `vitrine-worker.js`
 * @param timeoutMs per-call timeout
 * @param checkFile once the Workers have failed, what the engine's file answered: one that is not JavaScript is named, not run in the page
 * @returns a client for the engine that runs
 * @example
 * const engine = await startEngine('auto', 'https://shop.example/vitrine/vitrine-worker.js', 10_000)
 */
export async function startEngine(mode: EngineMode, workerUrl: string | undefined, timeoutMs: number, checkFile?: FileCheck): Promise<EngineClient> {
  const failures: string[] = [];
  if (mode !== 'inline' && typeof Worker === 'function' && workerUrl) {
    const url = new URL(workerUrl, document.baseURI).href;
    try {
      return workerClient(await spawn(url, `Worker ${url}`), 'worker', timeoutMs, undefined);
    } catch (error) {
      failures.push((error as Error).message);
    }
    const blobUrl = URL.createObjectURL(new Blob([`importScripts(${JSON.stringify(url)});`], { type: 'text/javascript' }));
    try {
      return workerClient(await spawn(blobUrl, 'blob: Worker'), 'blob-worker', timeoutMs, failures.join('; '));
    } catch (error) {
      failures.push((error as Error).message);
    } finally {
      URL.revokeObjectURL(blobUrl);
    }
  } else if (mode !== 'inline') {
    failures.push(workerUrl ? 'Worker is not available here' : 'no workerUrl was given');
  }
  if (mode === 'worker') throw new VitrineError('engine-failed', `no Worker could start: ${failures.join('; ')}`);
  return inlineClient(workerUrl, timeoutMs, failures.length ? failures.join('; ') : undefined, checkFile);
}
