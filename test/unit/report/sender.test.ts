// worker/report/sender.ts: where reports go, the backoff between tries and Retry-After.
import { describe, expect, it } from 'vitest';
import { BACKOFF_MS, backoff, reportsUrl, retryAfter } from '../../../worker/report/sender';

describe('retries', () => {
  it('backs off exponentially with jitter, up to an hour', () => {
    expect(backoff(1, undefined, () => 0)).toBe(BACKOFF_MS / 2);
    expect(backoff(1, undefined, () => 0.999_999)).toBeCloseTo(BACKOFF_MS, -1);
    expect(backoff(3, undefined, () => 0)).toBe(2 * BACKOFF_MS);
    expect(backoff(30, undefined, () => 1)).toBe(3_600_000);
  });

  it('honours Retry-After in seconds or as a date, when longer than the backoff', () => {
    const now = Date.UTC(2026, 10, 22);
    expect(retryAfter('120', now)).toBe(120_000);
    expect(retryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(retryAfter('soon', now)).toBeUndefined();
    expect(retryAfter(null, now)).toBeUndefined();
    expect(backoff(1, 120_000, () => 0.5)).toBe(120_000);
  });

  it('resolves the collector URL as the README says: {collectorUrl}/v1/reports', () => {
    expect(reportsUrl('https://shop.example/vitrine', undefined)).toBe('https://shop.example/vitrine/v1/reports');
    expect(reportsUrl('https://shop.example/vitrine/', undefined)).toBe('https://shop.example/vitrine/v1/reports');
    expect(reportsUrl('/', 'https://shop.example/vitrine/vitrine-worker.js')).toBe('https://shop.example/v1/reports');
  });
});
