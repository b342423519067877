/**
 * Delivers reports to a collector as the SDK does (`POST /v1/reports`, the JSON as a
 * `text/plain` body), a few at a time: retries on 429, 408, 5xx or no answer, honouring
 * `Retry-After`, and stops at any other refusal with the collector's message.
 */
import { retryAfter } from '../../worker/report/sender';
import { MINUTE_MS } from '../../src/protocol/time';

/** A request not answered within this long counts as no answer. */
const REQUEST_TIMEOUT_MS = 30_000;
/** The first wait after a 5xx or no answer without a `Retry-After`; each failure doubles it. */
const FIRST_BACKOFF_MS = 500;

/** How reports are delivered. */
export interface SendOptions {
  /** The reports endpoint, `{collector}/v1/reports`. */
  url: string;
  /** Requests in flight at once (one after a 429). Default 8. */
  concurrency?: number;
  /** Tries of one report answered by a 5xx, 408 or nothing at all, before giving up. Default 5. */
  maxAttempts?: number;
  /** Gives up when nothing has been acknowledged for this long while the collector answers 429. Default 3 minutes. */
  patienceMs?: number;
  /** Called after each acknowledged report. */
  onProgress?: (progress: SendProgress) => void;
  /** Called on each 429 with the wait it asked for. */
  onRateLimited?: (waitMs: number, progress: SendProgress) => void;
  /** How waits are made (a test may watch them). Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** Where the delivery stands. */
export interface SendProgress {
  total: number;
  /** Reports the collector acknowledged (2xx): accepted or duplicates. */
  delivered: number;
  /** Acknowledged and counted. */
  accepted: number;
  /** Acknowledged as a report id the collector already had. */
  duplicates: number;
  /** 429 answers received. */
  rateLimited: number;
  /** Requests sent again after a 429, 408, 5xx or no answer. */
  retries: number;
}

/** Why delivery stopped before the end: the HTTP status (none when there was no answer) and the collector's message. */
export interface SendStop {
  status: number | undefined;
  message: string;
}

/** How the delivery ended. */
export interface SendResult extends SendProgress {
  stopped?: SendStop;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The collector's error message from its JSON `{ "error": … }`, or the start of the body. */
function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string') return (parsed as { error: string }).error;
  } catch {
    // Not JSON: the text itself is the message.
  }
  return body.trim().slice(0, 300) || '(no message)';
}

function isDuplicate(body: string): boolean {
  try {
    return (JSON.parse(body) as { duplicate?: unknown }).duplicate === true;
  } catch {
    return false;
  }
}

/**
 * Sends every report, `concurrency` at a time. A 429 or a failure pauses every sender until its
 * `Retry-After` (or a doubling backoff) has passed, and after a 429 reports go one at a time, so
 * a rate-limited run paces itself to the collector's limit instead of hammering it.
 * @param bodies the reports, serialised as sent
 * @returns the counts, and why it stopped early if it did
 * @example
 * const result = await sendReports(reports.map((r) => JSON.stringify(r)), { url: 'http://localhost:8080/v1/reports' })
 */
export async function sendReports(bodies: readonly string[], options: SendOptions): Promise<SendResult> {
  const { url, concurrency = 8, maxAttempts = 5, patienceMs = 3 * MINUTE_MS, sleep = delay } = options;
  const progress: SendProgress = { total: bodies.length, delivered: 0, accepted: 0, duplicates: 0, rateLimited: 0, retries: 0 };
  let stopped: SendStop | undefined;
  let next = 0;
  // One gate for every sender: the collector's limit is per client, not per request.
  let notBefore = 0;
  // Once rate-limited, one request at a time: more in flight would only collect more 429s.
  let lanes = concurrency;
  let lastAcknowledged = Date.now();

  async function deliver(body: string): Promise<void> {
    let failures = 0;
    while (!stopped) {
      for (let wait = notBefore - Date.now(); wait > 0 && !stopped; wait = notBefore - Date.now()) await sleep(wait);
      if (stopped) return;
      let response: Response | undefined;
      let text = '';
      try {
        response = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'text/plain' }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        text = await response.text();
      } catch (error) {
        response = undefined;
        const cause = (error as { cause?: { message?: string } }).cause?.message;
        text = cause ?? (error as Error).message;
      }
      const now = Date.now();
      if (response?.ok) {
        lastAcknowledged = now;
        progress.delivered++;
        if (isDuplicate(text)) progress.duplicates++;
        else progress.accepted++;
        options.onProgress?.({ ...progress });
        return;
      }
      const asked = retryAfter(response?.headers.get('Retry-After') ?? null, now);
      if (response?.status === 429) {
        progress.rateLimited++;
        if (now - lastAcknowledged > patienceMs) {
          stopped ??= { status: 429, message: messageOf(text) };
          return;
        }
        const wait = asked ?? 1000;
        notBefore = Math.max(notBefore, now + wait);
        lanes = 1;
        progress.retries++;
        options.onRateLimited?.(wait, { ...progress });
        continue;
      }
      if (response && response.status < 500 && response.status !== 408) {
        stopped ??= { status: response.status, message: messageOf(text) };
        return;
      }
      failures++;
      // Nothing answering before anything was delivered: no collector there, no point in waiting.
      const absent = !response && progress.delivered === 0 && progress.rateLimited === 0;
      if (absent || failures >= maxAttempts) {
        stopped ??= response ? { status: response.status, message: messageOf(text) } : { status: undefined, message: `no answer from ${url}: ${text}` };
        return;
      }
      notBefore = Math.max(notBefore, now + Math.max(asked ?? 0, FIRST_BACKOFF_MS * 2 ** (failures - 1)));
      progress.retries++;
    }
  }

  async function worker(lane: number): Promise<void> {
    while (!stopped && lane < lanes && next < bodies.length) await deliver(bodies[next++]!);
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, bodies.length)) }, (_, lane) => worker(lane)));
  return stopped ? { ...progress, stopped } : { ...progress };
}
