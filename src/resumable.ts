import type { EngineClient } from './engine';

/**
 * The engine as the page holds it across the back-forward cache. WebKit keeps a page the
 * shopper leaves with its worker suspended as it is, and a storage transaction the worker had
 * open then holds every other page of the shop off the database for as long as the cached page
 * lives. So the engine stops when the page goes into the cache and a new one starts when it
 * comes back; calls made in between wait for the new one.
 */
export interface ResumableEngine extends EngineClient {
  /** Stops the engine (calls it was answering reject with `engine-closed`); later calls wait. */
  pause(): void;
  /** Lets the waiting calls through to `next`, the new engine, or to the stopped one when none could start. */
  resume(next?: EngineClient): void;
  readonly paused: boolean;
}

/** @param first the engine the page started with */
export function resumable(first: EngineClient): ResumableEngine {
  let current = first;
  let waiting: Promise<void> | undefined;
  let release = () => {};
  return {
    get kind() {
      return current.kind;
    },
    get fallbackReason() {
      return current.fallbackReason;
    },
    get paused() {
      return !!waiting;
    },
    async call(method, ...args) {
      while (waiting) await waiting;
      return current.call(method, ...args);
    },
    terminate: () => current.terminate(),
    pause() {
      if (waiting) return;
      waiting = new Promise((resolve) => (release = resolve));
      current.terminate();
    },
    resume(next) {
      if (next) current = next;
      waiting = undefined;
      release();
    },
  };
}
