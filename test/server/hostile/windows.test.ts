import { describe, expect, it, vi } from 'vitest';
import { createSqliteStore } from '../../../server/sqlite';
import { REPORT_KEEP_MS } from '../../../src/protocol/report';
import { WINDOW_SKEW_MS } from '../../../server/collector/ingest';
import { hostileServer, report, SITE } from './setup';

const MINUTE = 60_000;
const NOW = Date.parse('2026-12-06T12:00:00.000Z');
/** The report of a one-minute window (the shortest a report may have) ending at `end`. */
const endingAt = (end: number) => report({ windowStart: new Date(end - MINUTE).toISOString(), windowMs: MINUTE });

describe('windows a device could really have sent', () => {
  it.each([
    ['a window that ends past the skew allowed', NOW + WINDOW_SKEW_MS + MINUTE, 'report.windowStart: this window has not closed yet (it ends at 2026-12-06T12:06:00.000Z)'],
    ['a window in 9999', Date.parse('9999-12-31T00:00:00.000Z'), 'report.windowStart: this window has not closed yet (it ends at 9999-12-31T00:00:00.000Z)'],
    ['a window of 1970', Date.parse('1970-01-01T00:01:00.000Z'), `report.windowStart: this window ended more than ${REPORT_KEEP_MS / 86_400_000} days ago, longer than a device keeps a report`],
    [
      'a window a minute older than a device keeps a report',
      NOW - REPORT_KEEP_MS - WINDOW_SKEW_MS - MINUTE,
      `report.windowStart: this window ended more than ${REPORT_KEEP_MS / 86_400_000} days ago, longer than a device keeps a report`,
    ],
  ])('refuses %s, and keeps no row of it', async (_, end, message) => {
    const s = await hostileServer({ now: () => NOW });
    const res = await s.post(endingAt(end));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: message });
    expect(await s.store.windows(SITE, 0, Infinity)).toEqual([]);
  });

  it('takes a window that just closed, one a device clock a few minutes ahead closed, and the oldest a device may still send', async () => {
    const s = await hostileServer({ now: () => NOW });
    for (const end of [NOW, NOW + WINDOW_SKEW_MS, NOW - REPORT_KEEP_MS - WINDOW_SKEW_MS]) {
      expect((await s.post(endingAt(end))).status, new Date(end).toISOString()).toBe(202);
    }
    expect(await s.store.windows(SITE, 0, Infinity)).toHaveLength(9);
  });
});

describe('counters kept for a documented time', () => {
  it('purges the windows older than the retention when the collector starts, and keeps the rest', async () => {
    const store = createSqliteStore(':memory:');
    const DAY = 86_400_000;
    const at = (daysAgo: number) => report({ windowStart: new Date(NOW - daysAgo * DAY - (NOW % DAY)).toISOString() });
    await store.commit([at(40), at(31), at(29), at(1)], NOW);
    const s = await hostileServer({ store, now: () => NOW, keepDays: 30 });
    await vi.waitFor(async () => expect((await s.store.windows(SITE, 0, Infinity)).length).toBe(2 * 3), { timeout: 10_000 });
    expect((await s.store.daily(SITE, 0, Infinity)).map((d) => d.day)).toEqual(['2026-11-07', '2026-11-07', '2026-11-07', '2026-12-05', '2026-12-05', '2026-12-05']);
  });
});
