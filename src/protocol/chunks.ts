import { VitrineError } from './errors';
import { withTimeout } from './timeout';

/**
 * Code that only some pages need (ranking, rendering) ships as separate files, loaded the
 * first time it is used, so a page that shows no offers never pays for it. Each chunk file
 * registers its module here when it runs; in tests the source module registers itself the
 * same way when imported.
 */
export interface Chunks {
  decide: import('../../worker/decide').DecideModule;
  report: import('../../worker/report').ReportModule;
  render: import('../render').RenderModule;
  /** One per CMP adapter: `consent-tcf`, `consent-onetrust`, … */
  [adapter: `consent-${string}`]: import('../consent/signal').ConsentAdapter;
}

type Registry = { [name: string]: unknown };

function registry(): Registry {
  const g = globalThis as unknown as { __vitrineChunks?: Registry };
  return (g.__vitrineChunks ??= {});
}

/**
 * Makes a chunk's module available to {@link loadChunk}.
 * @param name the chunk's name
 * @param module what it exports
 */
export function registerChunk<K extends keyof Chunks>(name: K, module: Chunks[K]): void {
  registry()[name] = module;
}

const loading = new Map<string, Promise<void>>();

/** Runs a classic script by URL: `importScripts` in a Worker, a script element in a page. */
export type ScriptRunner = (url: string) => Promise<void>;

/**
 * Returns a chunk's module, loading `vitrine-<name>.js` beside `baseUrl` the first time.
 * @param name the chunk
 * @param baseUrl a URL in the folder the SDK files are served from
 * @param timeoutMs how long loading may take
 * @param runScript how this context runs a script
 */
export async function loadChunk<K extends keyof Chunks>(name: K, baseUrl: string | undefined, timeoutMs: number, runScript: ScriptRunner): Promise<Chunks[K]> {
  const ready = registry()[name];
  if (ready) return ready as Chunks[K];
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
  return module as Chunks[K];
}
