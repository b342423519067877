import { secureRandom } from '../random';
import { HOUR_MS, MINUTE_MS } from '../../src/protocol/time';

/*
 * Report windows in time: which one is open, and when the next one is due to be built. The
 * engine reads them to know whether reporting has work (worker/report-due.ts); the report chunk
 * builds and schedules by them (build.ts, reporter.ts).
 */

/**
 * A window is reported this long after it closes (at most), so exposures still on their way
 * (a click in the page's track batch, another tab's in its engine's queue) are in it.
 */
export const GRACE_MS = MINUTE_MS;

/** The longest a reporter (or the engine's check for one) sleeps: an engine closed meanwhile is then let go. */
export const MAX_SLEEP_MS = HOUR_MS;

/** The start of the window `at` falls in: windows are aligned on multiples of their length since the epoch. */
export function windowOf(at: number, windowMs: number): number {
  return at - (((at % windowMs) + windowMs) % windowMs);
}

/** @returns the start of the window still open for reporting at `now` (its grace included): everything before it can be built */
export function openWindow(now: number, windowMs: number): number {
  return windowOf(now - Math.min(GRACE_MS, windowMs), windowMs);
}

/**
 * When the open window is next due to be built: as it closes, after its grace. Devices should
 * not all report the second a window closes: they spread over a tenth of it (at most 5 min).
 */
export function nextBuildAt(now: number, windowMs: number): number {
  return openWindow(now, windowMs) + windowMs + Math.min(GRACE_MS, windowMs) + secureRandom() * Math.min(windowMs / 10, 5 * MINUTE_MS);
}
