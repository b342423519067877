import { REPORT_WINDOW_MS } from './report-window';
import { Reader } from './validate';
import { ARMS, type Arm } from './decision';
import { holdoutOf, type Catalog } from './catalog';
import { ID, REPORT_ID, REPORT_ID_BYTES, SITE_ID, readId } from './ids';
import { DAY_MS } from './time';
import { noiseVariance } from './geometric-noise';

/** How long the collector remembers report ids, to count each report once. */
export const REPORT_ID_MEMORY_MS = 8 * DAY_MS;
/**
 * How long a device keeps trying to deliver a report: a day less than the collector
 * remembers ids, so that a late resend is never counted twice.
 */
export const REPORT_KEEP_MS = REPORT_ID_MEMORY_MS - DAY_MS;

/** The counters of a cell, in the order reports and the collector use them. */
export const METRICS = ['impressions', 'clicks', 'dismissals', 'conversions', 'revenue'] as const;
/** One counter of a cell, by name. */
export type Metric = (typeof METRICS)[number];

/**
 * The most one device may add to one cell in one report. Counts above are clamped before a
 * report is built, so no single shopper can dominate (or be singled out in) a total, and the
 * noise of a private report is calibrated to these bounds. `revenue` is in minor units.
 */
export const CONTRIBUTION_BOUNDS: Record<Metric, number> = {
  impressions: 50,
  clicks: 10,
  dismissals: 10,
  conversions: 3,
  revenue: 50_000,
};

/** Sizes a report may not exceed (a report over 64 KiB is split into parts). */
export const REPORT_LIMITS = { bytes: 64 * 1024, cells: 400, parts: 100 } as const;

/** One (offer, variant) of the catalog, for the arm the device is in. */
export type ReportCell = { offer: string; variant: string; arm: Arm } & Record<Metric, number>;

/** How a report was made deniable: not at all, or with two-sided geometric noise of parameter ε. */
export type ReportNoise = { mechanism: 'none' } | { mechanism: 'geometric'; epsilon: number };

/** Where a collector takes reports (a contract: `POST {collectorUrl}/v1/reports`). */
export const REPORTS_PATH = '/v1/reports';

/** Report v1 (a contract: README, "How devices report"), the request body of `POST {collectorUrl}/v1/reports`. */
export interface Report {
  v: 1;
  /** 16 random bytes, hex (`REPORT_ID`): the only identity a report has, for deduplication. */
  id: string;
  site: string;
  /** The start of the closed window it covers, ISO 8601, a multiple of `windowMs` since the epoch. */
  windowStart: string;
  windowMs: number;
  catalog: string;
  noise: ReportNoise;
  /** One cell per (offer, variant) of the catalog, in catalog order, zeros included. */
  cells: ReportCell[];
  /** When a window's cells are split over several reports to stay under 64 KiB. */
  part?: { index: number; count: number };
}

/**
 * The (offer, variant) domain of a catalog's reports: every content variant of every offer, in
 * catalog order. A report holds exactly these cells, so its shape says nothing about the shopper.
 */
export function reportDomain(catalog: Catalog): [offer: string, variant: string][] {
  return catalog.offers.flatMap((o) => o.variants.map((v) => [o.id, v.id] as [string, string]));
}

/**
 * The arms a device may report in under a catalog: `contextual` (no personalization consent),
 * and the personalization holdout's arms that have weight, or `personalized` without a holdout.
 */
export function reportArms(catalog: Catalog): Arm[] {
  const holdout = holdoutOf(catalog);
  return [...(holdout ? holdout.arms.filter((a) => a.weight > 0).map((a) => a.id) : ['personalized' as const]), 'contextual'];
}

const CELL_FIELDS = 3 + METRICS.length;

/**
 * The reader of one cell. Most cells are well formed, so a quick check accepts those as they
 * are (a parsed object with exactly the cell's fields, each valid); anything else is read
 * field by field for a message that names the problem.
 */
function cell(epsilon: number | null) {
  // Without noise counts are within their bounds; noise may move them by up to ten standard
  // deviations either way.
  const ranges = METRICS.map((m) => {
    const bound = CONTRIBUTION_BOUNDS[m];
    const slack = epsilon === null ? 0 : Math.ceil(10 * Math.sqrt(noiseVariance(epsilon, bound)));
    return [-slack, bound + slack] as const;
  });
  // This runs for every cell of every report: a parsed object (JSON.parse makes plain ones)
  // with exactly the cell's fields, each valid.
  const fits = (value: unknown): value is ReportCell => {
    if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
    let fields = 0;
    for (const _ in value) fields++;
    if (fields !== CELL_FIELDS) return false;
    const c = value as Record<string, unknown>;
    const { offer, variant, arm } = c;
    if (typeof offer !== 'string' || typeof variant !== 'string' || !ID.test(offer) || !ID.test(variant) || !ARMS.includes(arm as Arm)) return false;
    for (let i = 0; i < METRICS.length; i++) {
      const n = c[METRICS[i]!];
      if (!Number.isInteger(n) || (n as number) < ranges[i]![0] || (n as number) > ranges[i]![1]) return false;
    }
    return true;
  };
  return (value: unknown, index: number): ReportCell => {
    if (fits(value)) return value;
    const r = Reader.of(value, `report.cells[${index}]`, 'report-invalid');
    const out = { offer: readId(r, 'offer'), variant: readId(r, 'variant'), arm: r.oneOf('arm', ARMS) } as ReportCell;
    for (const [i, m] of METRICS.entries()) out[m] = r.integer(m, ranges[i]![0], ranges[i]![1]);
    r.done();
    return out;
  };
}

/**
 * Validates a report where it enters the collector. Strict: unknown fields (`__proto__`
 * included), wrong types and oversize arrays are refused with the path of the problem.
 * Whether the cells are a catalog version's (offer, variant) domain, each once and in order,
 * is the collector's check against that version (server/collector/catalog-registry.ts).
 * @param value the parsed body
 * @returns the report
 * @throws VitrineError `report-invalid` (from the reader)
 */
export function validateReport(value: unknown): Report {
  const r = Reader.of(value, 'report', 'report-invalid');
  if (r.raw('v') !== 1) r.fail('v', '1 (the protocol version)');
  const id = r.raw('id');
  if (typeof id !== 'string' || !REPORT_ID.test(id)) r.fail('id', `${2 * REPORT_ID_BYTES} lowercase hex digits (${REPORT_ID_BYTES} random bytes)`);
  const site = r.raw('site');
  if (typeof site !== 'string' || !SITE_ID.test(site)) r.fail('site', 'a site id');
  const windowMs = r.integer('windowMs', REPORT_WINDOW_MS.min, REPORT_WINDOW_MS.max);
  const windowStart = r.raw('windowStart');
  const start = typeof windowStart === 'string' ? Date.parse(windowStart) : Number.NaN;
  if (typeof windowStart !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/.test(windowStart) || !Number.isFinite(start) || start % windowMs !== 0) {
    r.fail('windowStart', 'an ISO 8601 UTC time at the start of a window (a multiple of windowMs)');
  }
  const catalog = r.string('catalog', 100);
  const noise =
    r.optObject('noise', (n): ReportNoise => {
      const mechanism = n.oneOf('mechanism', ['none', 'geometric'] as const);
      return mechanism === 'none' ? { mechanism } : { mechanism, epsilon: n.number('epsilon', 0.01, 20) };
    }) ?? r.fail('noise', 'an object such as { "mechanism": "none" }');
  const given = r.take('cells');
  const list: unknown[] = Array.isArray(given) && given.length <= REPORT_LIMITS.cells ? given : r.fail('cells', `an array of at most ${REPORT_LIMITS.cells} entries`);
  const readCell = cell(noise.mechanism === 'none' ? null : noise.epsilon);
  const cells = list.map(readCell);
  const part = r.optObject('part', (p) => {
    const count = p.integer('count', 1, REPORT_LIMITS.parts);
    return { index: p.integer('index', 0, count - 1), count };
  });
  r.done();
  return { v: 1, id: id as string, site: site as string, windowStart: windowStart as string, windowMs, catalog, noise, cells, ...(part ? { part } : {}) };
}
