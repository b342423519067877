import { VitrineError } from './errors';
import { withTimeout } from './timeout';
import { scriptUrl } from './trusted-types';

/**
 * Code that only some pages need (ranking, reporting, rendering, one CMP adapter) ships as
 * separate files, loaded the first time it is used, so a page that shows no offers never pays
 * for it. Each chunk file registers its module here when it runs; in tests the source module
 * registers itself the same way when imported.
 *
 * This file knows no chunk's shape: the layer that loads a chunk names its type
 * (worker/chunks.ts for decide and report, src/chunks.ts for render and the adapters), so
 * the protocol imports nothing from the layers above it (docs/ARCHITECTURE.md, "Layers").
 */

type Registry = { [name: string]: unknown };

function registry(): Registry {
  const g = globalThis as unknown as { __vitrineChunks?: Registry };
  return (g.__vitrineChunks ??= {});
}

/**
 * Makes a chunk's module available to {@link loadChunk}.
 * @param name the chunk's name: `vitrine-<name>.js` is its file
 * @param module what it exports
 */
export function registerChunk(name: string, module: unknown): void {
  registry()[name] = module;
}

const loading = new Map<string, Promise<void>>();

/**
 * Runs a classic script by URL: `importScripts` in a Worker, a script element in a page (the
 * in-thread engine and the chunks loaded on demand).
 * @param url the script's URL
 * @returns resolves when it has run
 * @throws VitrineError `engine-failed` when it cannot be loaded
 */
export function runScript(url: string): Promise<void> {
  const scope = globalThis as unknown as { importScripts?: (url: string) => void };
  if (typeof scope.importScripts === 'function') {
    return new Promise((resolve) => {
      scope.importScripts!(url);
      resolve();
    });
  }
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = scriptUrl(url);
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new VitrineError('engine-failed', `could not load ${url}`));
    document.head.appendChild(script);
  });
}

/**
 * @param name the chunk
 * @returns its module once loaded, else undefined: for a call made many times, which need not wait a turn for {@link loadChunk}
 */
export function loadedChunk<T>(name: string): T | undefined {
  return registry()[name] as T | undefined;
}

/**
 * Returns a chunk's module, loading `vitrine-<name>.js` beside `baseUrl` the first time.
 * @param name the chunk
 * @param baseUrl a URL in the folder the SDK files are served from
 * @param timeoutMs how long loading may take
 * @returns the module, typed by the caller, who knows the chunk
 * @throws VitrineError `engine-timeout`, or `engine-failed` when the file is missing or registers nothing
 */
export async function loadChunk<T>(name: string, baseUrl: string | undefined, timeoutMs: number): Promise<T> {
  const ready = registry()[name];
  if (ready) return ready as T;
  if (!baseUrl) throw new VitrineError('engine-failed', `no URL to load vitrine-${name}.js from`);
  const url = new URL(`vitrine-${name}.js`, baseUrl).href;
  let pending = loading.get(url);
  if (!pending) {
    pending = withTimeout(runScript(url), timeoutMs, 'engine-timeout', `loading ${url}`);
    loading.set(url, pending);
    pending.catch(() => loading.delete(url));
  }
  await pending;
  const module = registry()[name];
  if (!module) throw new VitrineError('engine-failed', `${url} did not register the ${name} module`);
  return module as T;
}
