import { logError } from './protocol/errors';
import type { ResumableEngine } from './resumable';

/*
 * The page's lifecycle, as the SDK follows it: a page being hidden or left sends what waits
 * (the track queue, the reports due) and notes the visit; a page going into the back-forward
 * cache stops its engine (src/resumable.ts), and one coming back from it starts a new one.
 */

/**
 * Follows the page's lifecycle events until `signal` aborts.
 * @param engine paused while the page is in the back-forward cache, resumed after
 * @param leaving the page may go now (hidden, or left): the visit's note, the track queue, the reports due
 * @param restart back from the back-forward cache: a new engine, told what happened meanwhile in other tabs
 * @param signal aborted when the SDK is destroyed
 */
export function followPageLifecycle(engine: ResumableEngine, leaving: () => void, restart: () => Promise<void>, signal: AbortSignal): void {
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && leaving(), { signal });
  addEventListener(
    'pagehide',
    (event) => {
      // Into the back-forward cache: the engine stops; what is queued waits for the next one.
      if (event.persisted) engine.pause();
      leaving();
    },
    { signal },
  );
  addEventListener(
    'pageshow',
    (event) => {
      if (!event.persisted || !engine.paused) return;
      // The stand-in keeps its cart across the cache: there is no engine to start again.
      if (engine.kind === 'none') return engine.resume();
      void restart()
        .catch(logError)
        .finally(() => engine.resume());
    },
    { signal },
  );
}
