import type { EngineConfig, EngineState } from './state';
import { guarded } from './storage/lifecycle';
import { nextBuildAt, openWindow } from './report/window';

/*
 * Whether reporting has work. Reporting (dist/vitrine-report.js) loads only when it has: about
 * once per report window on a device (a day unless told), and while reports wait to be sent,
 * not on every page. The engine asks this before it loads the chunk; once loaded, the chunk
 * keeps its own schedule (worker/report/reporter.ts).
 */

/**
 * @returns 0 when reporting has work now: measuring starts (no outbox yet), reports wait in the
 * outbox, or a window closed since the last build (and the catalog to build it against is
 * there); else how long until the open window is due
 */
export async function reportingDue(s: EngineState, cfg: EngineConfig): Promise<number> {
  const now = Date.now();
  // Exposures kept in memory after a storage failure are never reported (reporter.ts says why).
  if (s.store.kind !== 'indexeddb') return nextBuildAt(now, cfg.reportWindow) - now;
  const outbox = await guarded(s, () => s.store.get('outbox'));
  if (!outbox || outbox.reports.length) return 0;
  // Reports are built against the catalog: without one (a page that asked for no offer, and none
  // kept), nothing can be built; a page that shows offers brings it.
  if (s.catalog.current && outbox.reportedUntil < openWindow(now, cfg.reportWindow)) return 0;
  return nextBuildAt(now, cfg.reportWindow) - now;
}
