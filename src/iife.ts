/**
 * The script-tag entry (dist/vitrine.js). Drains the `window.vitrine(...)` queue the loader
 * snippet defined, in order, and replaces the stub with a dispatcher that also carries the
 * instance API (`vitrine.cart.get()`, …). Nothing thrown or rejected here reaches the host
 * page: errors are caught and reported on the console with their code.
 */
import { startVitrine } from './vitrine';
import './render-entry';
import type { Vitrine } from './api';
import { VitrineError, logError } from './protocol/errors';
import { closestName } from './protocol/validate';
import { workerFile } from './protocol/engine';

type Command = [name: string, ...args: unknown[]];
type Stub = ((...args: unknown[]) => unknown) & { q?: ArrayLike<unknown>[]; loaded?: boolean };

const w = window as unknown as { vitrine?: Stub };
// Read while this script runs: document.currentScript is null afterwards.
const scriptSrc = (document.currentScript as HTMLScriptElement | null)?.src;

/** Calls `fn`; a throw or a rejection is reported, never passed on. */
function attempt(fn: () => unknown): unknown {
  try {
    const result = fn();
    if (result instanceof Promise) return result.catch(logError);
    return result;
  } catch (error) {
    logError(error);
    return undefined;
  }
}

/** Wraps every method of an object (one level of namespaces deep) with {@link attempt}. */
function safe<T extends object>(target: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target)) {
    if (typeof value === 'function') out[key] = (...args: unknown[]) => attempt(() => value.apply(target, args));
    else if (value && typeof value === 'object') out[key] = safe(value);
  }
  return out as T;
}

/** The names `vitrine(name, …)` takes: init, ready, and the instance's methods (`cart.add`…). */
function commandsOf(instance: Vitrine): string[] {
  const names = ['init', 'ready'];
  for (const [key, value] of Object.entries(instance)) {
    if (typeof value === 'function') names.push(key);
    else if (value && typeof value === 'object') for (const [method, fn] of Object.entries(value)) if (typeof fn === 'function') names.push(`${key}.${method}`);
  }
  return names;
}

function run(instance: Vitrine, [name, ...args]: Command): unknown {
  if (name === 'ready') {
    const [fn] = args;
    if (typeof fn !== 'function') throw new VitrineError('invalid-options', "vitrine('ready', fn): expected a function");
    return fn(instance);
  }
  // 'track', 'cart.add', 'consent.set', 'privacy.forget', …: own properties only, never the prototype chain.
  const own = (o: unknown, key: string): unknown => (o !== null && typeof o === 'object' && Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined);
  const parts = String(name).split('.');
  const last = parts.pop()!;
  const owner = parts.reduce(own, instance as unknown);
  const method = own(owner, last);
  if (typeof method !== 'function') {
    const near = closestName(String(name), commandsOf(instance));
    throw new VitrineError('unknown-command', `vitrine(${JSON.stringify(name)}): no such command${near ? ` (did you mean ${near}?)` : ''}. The commands: ${commandsOf(instance).join(', ')}`);
  }
  return method.apply(owner, args);
}

async function boot(queue: Command[], forward: (dispatch: Stub) => void): Promise<void> {
  const initAt = queue.findIndex(([name]) => name === 'init');
  const [, options] = queue.splice(initAt, 1)[0]!;
  const opts = { ...(options as object) } as Parameters<typeof startVitrine>[0];
  if (!opts.workerUrl && scriptSrc) opts.workerUrl = new URL(workerFile(opts), scriptSrc).href;
  const starting = startVitrine(opts, scriptSrc ?? opts.workerUrl);
  // The slots queued so far are painted now, from the page's copy of their last offers, while the engine starts.
  for (const [name, ...args] of queue.splice(0)) {
    if (name === 'render') attempt(() => starting.render(...(args as Parameters<Vitrine['render']>)));
    else queue.push([name, ...args]);
  }
  // The instance every command and `ready` callback gets: nothing it throws or rejects reaches the page.
  const instance = safe(await starting.instance);
  const dispatch = ((...args: unknown[]) => attempt(() => (args[0] === 'init' ? logError('vitrine is already initialised') : run(instance, args as Command)))) as Stub;
  Object.assign(dispatch, instance, { loaded: true });
  w.vitrine = dispatch;
  forward(dispatch);
  // Calls made before and while the instance was starting run now, in their order.
  for (const command of queue.splice(0)) dispatch(...command);
}

function install(): void {
  const previous = w.vitrine;
  if (previous?.loaded) return;
  const queue: Command[] = Array.from(previous?.q ?? [], (args) => Array.from(args) as Command);
  let booting = false;
  // Pages that kept a reference to the stub (or the snippet's function) still reach the SDK.
  let ready: Stub | undefined;
  const begin = () => {
    if (booting) return;
    booting = true;
    void attempt(() =>
      boot(queue, (dispatch) => (ready = dispatch)).catch((error) => {
        booting = false; // a later vitrine('init', …) may try again
        throw error;
      }),
    );
  };
  const pending = ((...args: unknown[]) => {
    if (ready) return ready(...args);
    queue.push(args as Command);
    if (args[0] === 'init') begin();
  }) as Stub;
  if (previous) previous.q = { push: (args: ArrayLike<unknown>) => pending(...Array.from(args)) } as never;
  pending.q = queue;
  pending.loaded = true;
  w.vitrine = pending;
  if (queue.some(([name]) => name === 'init')) begin();
}

attempt(install);
