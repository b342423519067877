import { VitrineError } from '../../src/protocol/errors';
import { REPORTS_PATH } from '../../src/protocol/report';
import { HOUR_MS, DAY_MS } from '../../src/protocol/time';

/*
 * Delivery of one report to the collector: the request, its time limit, and what the answer
 * means (sent, refused, or retry later with backoff).
 */

/** The first retry waits up to this long; each failure doubles it, up to an hour. */
export const BACKOFF_MS = 5_000;
const MAX_BACKOFF_MS = HOUR_MS;
/** A send that gets no answer within this long is given up and retried later. */
const SEND_TIMEOUT_MS = 30_000;

/** What became of a send. */
export type SendOutcome =
  | { kind: 'sent' }
  /** A 4xx other than 408 and 429: the report will never be accepted. */
  | { kind: 'refused'; why: string }
  /** Offline, no answer in time, a 5xx, 408 or 429: try again after `waitMs`. */
  | { kind: 'retry'; waitMs: number };

/**
 * The wait before the next try after `attempts` failures: exponential, half of it random
 * ("equal jitter"), so many devices retrying after one outage spread out; a `Retry-After` is
 * honoured if longer.
 * @param retryAfterMs what the collector asked for, if anything
 */
export function backoff(attempts: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
  const wait = ceiling / 2 + (random() * ceiling) / 2;
  return Math.max(wait, retryAfterMs ?? 0);
}

/**
 * Reads a `Retry-After` header: delay-seconds or an HTTP date.
 * @returns milliseconds, or undefined when absent or unreadable
 */
export function retryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), DAY_MS) : undefined;
}

/**
 * Where reports go: `{collectorUrl}/v1/reports`, a relative collectorUrl resolved against the SDK's files.
 * @param base where the SDK's files are (the page's address when not told)
 * @throws VitrineError `invalid-options` when collectorUrl is no URL
 */
export function reportsUrl(collectorUrl: string, base: string | undefined = globalThis.location?.href): string {
  try {
    return new URL(REPORTS_PATH.slice(1), new URL(collectorUrl.replace(/\/*$/, '/'), base)).href;
  } catch {
    throw new VitrineError('invalid-options', `options.collectorUrl: expected a URL, got ${JSON.stringify(collectorUrl)}`);
  }
}

/**
 * Posts one report body.
 * @param attempts how many sends of it failed before, for the backoff
 */
export async function sendReport(url: string, body: string, attempts: number): Promise<SendOutcome> {
  const now = Date.now();
  let response: Response | undefined;
  // Read within the time limit too: a body that never ends must not hold the lock forever.
  let detail = '';
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), SEND_TIMEOUT_MS);
  try {
    // text/plain is a simple request: no CORS preflight. keepalive lets it finish if the page goes away.
    response = await fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit', cache: 'no-store', signal: abort.signal });
    detail = (await response.text()).slice(0, 300);
  } catch {
    response = undefined;
  } finally {
    clearTimeout(timer);
  }
  if (response?.ok) return { kind: 'sent' };
  if (response && response.status < 500 && response.status !== 408 && response.status !== 429) {
    return { kind: 'refused', why: `the collector refused a report: ${response.status} ${detail}`.trim() };
  }
  return { kind: 'retry', waitMs: backoff(attempts + 1, retryAfter(response?.headers.get('Retry-After') ?? null, now)) };
}
