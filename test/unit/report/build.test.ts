// worker/report/build.ts and window.ts: Report v1 bodies from a window's exposures (pure), and
// the windows themselves.
import { describe, expect, it } from 'vitest';
import { buildReports } from '../../../worker/report/build';
import { windowOf } from '../../../worker/report/window';
import { validateCatalog } from '../../../src/protocol/validate-catalog';
import { MINUTE_MS } from '../../../src/protocol/time';
import { CONTRIBUTION_BOUNDS, REPORT_LIMITS, validateReport, type Report } from '../../../src/protocol/report';
import type { ExposureRecord } from '../../../worker/storage/store';
import { TEST_CATALOG_DOMAIN as DOMAIN, testCatalog } from '../../fixtures/catalog';

const MIN = MINUTE_MS;
const catalog = validateCatalog(testCatalog());

const exposure = (offer: string, kind: ExposureRecord['kind'], at: number, extra: Partial<ExposureRecord> = {}): ExposureRecord => ({
  offer,
  variant: 'default',
  arm: 'personalized',
  slot: 'home-hero',
  kind,
  at,
  ...extra,
});

describe('building reports', () => {
  const t0 = Date.UTC(2026, 10, 22, 10, 0, 0);
  const base = { catalog, siteId: 'test-shop', windowMs: MIN, from: t0, room: 100 };

  it('gives every (offer, variant) of the catalog a cell, in catalog order, zeros included', () => {
    const { reports, until } = buildReports({ ...base, now: t0 + 2 * MIN, exposures: [exposure('yoga-mat', 'impression', t0 + 5_000)] });
    expect(reports).toHaveLength(1);
    const r = reports[0]!;
    expect(validateReport(JSON.parse(JSON.stringify(r)))).toEqual(r);
    expect(r).toMatchObject({ v: 1, site: 'test-shop', windowStart: new Date(t0).toISOString(), windowMs: MIN, catalog: '2026-11-22.1', noise: { mechanism: 'none' } });
    expect(r.id).toMatch(/^[0-9a-f]{32}$/);
    expect(r.cells.map((c) => [c.offer, c.variant])).toEqual(DOMAIN);
    expect(r.cells[2]).toEqual({ offer: 'yoga-mat', variant: 'default', arm: 'personalized', impressions: 1, clicks: 0, dismissals: 0, conversions: 0, revenue: 0 });
    expect(r.cells.filter((c) => c.impressions === 0)).toHaveLength(DOMAIN.length - 1);
    expect(until).toBe(t0 + MIN);
    // Nothing else: no slot, no time finer than the window, no device identity.
    expect(Object.keys(r).sort()).toEqual(['catalog', 'cells', 'id', 'noise', 'site', 'v', 'windowMs', 'windowStart']);
  });

  it('reports closed windows only, from the given time on, one report per window and arm', () => {
    const exposures = [
      exposure('yoga-mat', 'impression', t0 - 1), // before `from`: already reported
      exposure('yoga-mat', 'impression', t0 + 1_000),
      exposure('yoga-mat', 'click', t0 + 2_000),
      exposure('gift-card', 'impression', t0 + 3_000, { arm: 'contextual' }),
      exposure('gift-card', 'impression', t0 + MIN + 1_000),
      exposure('gift-card', 'impression', t0 + 2 * MIN + 1_000), // the window still open
    ];
    const { reports, until } = buildReports({ ...base, now: t0 + 3 * MIN + 5_000, exposures });
    expect(reports.map((r) => [r.windowStart, r.cells[0]!.arm])).toEqual([
      [new Date(t0).toISOString(), 'personalized'],
      [new Date(t0).toISOString(), 'contextual'],
      [new Date(t0 + MIN).toISOString(), 'personalized'],
    ]);
    const yoga = (r: Report) => r.cells.find((c) => c.offer === 'yoga-mat')!;
    expect(yoga(reports[0]!)).toMatchObject({ impressions: 1, clicks: 1 });
    expect(reports[1]!.cells.find((c) => c.offer === 'gift-card')).toMatchObject({ impressions: 1, arm: 'contextual' });
    expect(until).toBe(t0 + 2 * MIN);
    expect(new Set(reports.map((r) => r.id)).size).toBe(3);
  });

  it('clamps each counter to its contribution bound, with revenue in minor units', () => {
    const many = Array.from({ length: 80 }, (_, i) => exposure('trail-10', 'impression', t0 + i));
    const buys = Array.from({ length: 5 }, (_, i) => exposure('trail-10', 'conversion', t0 + 100 + i, { value: 40_000 }));
    const [r] = buildReports({ ...base, now: t0 + 2 * MIN, exposures: [...many, ...buys] }).reports;
    expect(r!.cells[0]).toMatchObject({ impressions: CONTRIBUTION_BOUNDS.impressions, conversions: CONTRIBUTION_BOUNDS.conversions, revenue: CONTRIBUTION_BOUNDS.revenue });
  });

  it('leaves out exposures of offers the catalog no longer has', () => {
    const { reports } = buildReports({ ...base, now: t0 + MIN, exposures: [exposure('gone', 'impression', t0)] });
    expect(reports).toEqual([]);
  });

  it('reports a window that spans a catalog update once per version, the removed offer under the version that had it', () => {
    const old = [
      ['gone', 'default'],
      ['yoga-mat', 'default'],
    ] as const;
    const exposures = [
      exposure('gone', 'impression', t0 + 1_000, { catalog: '2026-11-21.9' }),
      exposure('gone', 'click', t0 + 2_000, { catalog: '2026-11-21.9' }),
      exposure('yoga-mat', 'impression', t0 + 3_000, { catalog: '2026-11-21.9' }),
      exposure('yoga-mat', 'impression', t0 + 30_000, { catalog: '2026-11-22.1' }),
    ];
    const { reports } = buildReports({ ...base, earlier: { '2026-11-21.9': old }, now: t0 + 2 * MIN, exposures });
    expect(reports.map((r) => r.catalog).sort()).toEqual(['2026-11-21.9', '2026-11-22.1']);
    const before = reports.find((r) => r.catalog === '2026-11-21.9')!;
    expect(before.cells.map((c) => [c.offer, c.variant])).toEqual(old);
    expect(before.cells.map((c) => [c.impressions, c.clicks])).toEqual([
      [1, 1],
      [1, 0],
    ]);
    const after = reports.find((r) => r.catalog === '2026-11-22.1')!;
    expect(after.cells.map((c) => [c.offer, c.variant])).toEqual(DOMAIN);
    expect(after.cells[2]!.impressions).toBe(1);
    expect(new Set(reports.map((r) => r.id)).size).toBe(2);
    for (const r of reports) expect(validateReport(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  it('counts an exposure kept before versions were recorded, or of a version it no longer knows, under the current catalog', () => {
    const exposures = [exposure('yoga-mat', 'impression', t0 + 1_000), exposure('yoga-mat', 'impression', t0 + 2_000, { catalog: 'forgotten' })];
    const { reports } = buildReports({ ...base, now: t0 + 2 * MIN, exposures });
    expect(reports).toHaveLength(1);
    expect(reports[0]!.catalog).toBe(catalog.version);
    expect(reports[0]!.cells[2]!.impressions).toBe(2);
  });

  it('splits a large catalog into parts under 64 KiB and 400 cells, each with its own id', () => {
    const offers = Array.from({ length: 1500 }, (_, i) => ({
      id: `offer-with-a-longish-identifier-${i}`,
      slot: 's',
      content: { title: 't' },
      variants: [{ id: 'variant-b', weight: 10, content: {} }],
    }));
    const big = validateCatalog({ version: 'v-big', siteId: 'test-shop', offers });
    const { reports } = buildReports({ ...base, catalog: big, now: t0 + 2 * MIN, exposures: [exposure('offer-with-a-longish-identifier-7', 'click', t0)] });
    expect(reports.length).toBeGreaterThan(7);
    reports.forEach((r, i) => {
      const body = JSON.stringify(r);
      expect(new TextEncoder().encode(body).length).toBeLessThan(REPORT_LIMITS.bytes);
      expect(validateReport(JSON.parse(body)).part).toEqual({ index: i, count: reports.length });
    });
    expect(reports.flatMap((r) => r.cells)).toHaveLength(3000);
    expect(new Set(reports.map((r) => r.id)).size).toBe(reports.length);
  });

  it('waits a minute after a window closes, for exposures still on their way', () => {
    const exposures = [exposure('yoga-mat', 'impression', t0 + 1_000)];
    expect(buildReports({ ...base, now: t0 + MIN + 59_000, exposures })).toEqual({ reports: [], until: t0 });
    expect(buildReports({ ...base, now: t0 + 2 * MIN, exposures }).reports).toHaveLength(1);
  });

  it('builds a window bigger than the whole outbox alone, once the outbox is empty', () => {
    const exposures = [exposure('yoga-mat', 'impression', t0, { arm: 'personalized' }), exposure('yoga-mat', 'impression', t0, { arm: 'baseline' })];
    const { reports, until } = buildReports({ ...base, now: t0 + 2 * MIN, exposures, room: 1, emptyOutbox: true });
    expect(reports).toHaveLength(2);
    expect(until).toBe(t0 + MIN);
  });

  it('builds a window whole or not at all when the outbox has little room', () => {
    const exposures = [exposure('yoga-mat', 'impression', t0), exposure('yoga-mat', 'impression', t0 + MIN)];
    const { reports, until } = buildReports({ ...base, now: t0 + 3 * MIN, exposures, room: 1 });
    expect(reports).toHaveLength(1);
    expect(buildReports({ ...base, now: t0 + 3 * MIN, exposures: exposures.slice(1), room: 0 }).reports).toEqual([]);
    expect(until).toBe(t0 + MIN);
  });

  it('adds local noise when asked, and says so in the report', () => {
    let i = 0;
    const random = () => ((i = (i * 7919 + 13) % 1000) + 0.5) / 1000;
    const { reports } = buildReports({ ...base, now: t0 + 2 * MIN, exposures: [exposure('yoga-mat', 'impression', t0)], noise: { epsilon: 1 }, random });
    const r = validateReport(JSON.parse(JSON.stringify(reports[0])));
    expect(r.noise).toEqual({ mechanism: 'geometric', epsilon: 1 });
    expect(r.cells.some((c) => c.revenue !== 0)).toBe(true);
  });

  it('refuses a catalog with more cells than a report can carry', () => {
    const offers = Array.from({ length: 4001 }, (_, i) => ({
      id: `o${i}`,
      slot: 's',
      content: { title: 't' },
      variants: Array.from({ length: 9 }, (_, j) => ({ id: `v${j}`, weight: 1, content: {} })),
    }));
    const huge = validateCatalog({ version: 'v-huge', siteId: 'test-shop', offers });
    expect(() => buildReports({ ...base, catalog: huge, now: t0 + MIN, exposures: [] })).toThrow(/40010 \(offer, variant\) pairs, more than the 40000/);
  });

  it('refuses a catalog whose long ids would need more than 100 parts', () => {
    const long = (prefix: string, i: number) => `${prefix}${i}`.padEnd(100, 'x');
    const offers = Array.from({ length: 3000 }, (_, i) => ({
      id: long('o', i),
      slot: 's',
      content: { title: 't' },
      variants: Array.from({ length: 9 }, (_, j) => ({ id: long('v', j), weight: 1, content: {} })),
    }));
    const wide = validateCatalog({ version: 'v-wide', siteId: 'test-shop', offers });
    const exposures = [exposure(long('o', 1), 'impression', t0)];
    expect(() => buildReports({ ...base, catalog: wide, now: t0 + 2 * MIN, exposures })).toThrow(/would take \d+ parts, more than the 100/);
  });

  it('aligns windows on multiples of their length', () => {
    expect(windowOf(t0 + 59_999, MIN)).toBe(t0);
    expect(windowOf(t0 + 60_000, MIN)).toBe(t0 + MIN);
  });
});
