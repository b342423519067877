import { CONTRIBUTION_BOUNDS, METRICS, REPORT_LIMITS, reportDomain, type Metric, type Report, type ReportCell } from '../../src/protocol/report';
import { addNoise } from '../../src/protocol/noise';
import { VitrineError } from '../../src/protocol/errors';
import type { Catalog } from '../../src/protocol/catalog';
import type { Arm } from '../../src/protocol/decision';
import type { ExposureRecord } from '../storage/store';
import { split } from './split';
import { secureRandom } from '../random';
import { openWindow, windowOf } from './window';

const KIND_METRIC: Record<ExposureRecord['kind'], Metric> = {
  impression: 'impressions',
  click: 'clicks',
  dismiss: 'dismissals',
  conversion: 'conversions',
};
/** Where each metric's counter sits within a cell's counters: its place in METRICS, by name. */
const OFFSET = Object.fromEntries(METRICS.map((m, j) => [m, j])) as Record<Metric, number>;

/** The cells of a catalog version, as reports list them: (offer, variant) pairs in catalog order. */
export type Domain = readonly (readonly [offer: string, variant: string])[];

/** What to report and how. */
export interface BuildInput {
  catalog: Catalog;
  /**
   * The domains of earlier catalog versions, by version: their exposures are reported under
   * their own version. An exposure of a version not here (or of none) counts under `catalog`.
   */
  earlier?: Readonly<Record<string, Domain>>;
  siteId: string;
  windowMs: number;
  /** Exposures at or after this time, in windows closed by `now`, are reported. */
  from: number;
  now: number;
  exposures: readonly ExposureRecord[];
  noise?: { epsilon: number } | undefined;
  /** At most this many reports (parts included); later windows wait. */
  room: number;
  /** Nothing is waiting: a window bigger than `room` is then built alone rather than never. */
  emptyOutbox?: boolean;
  random?: () => number;
}

/** The reports built, and the time up to which exposures are now reported. */
export interface BuildOutput {
  reports: Report[];
  until: number;
}

interface Version {
  domain: Domain;
  index: Map<string, number>;
}

const cellKey = (offer: string, variant: string) => `${offer}\u0000${variant}`;

function versionOf(domain: Domain): Version {
  const maxCells = REPORT_LIMITS.cells * REPORT_LIMITS.parts;
  if (domain.length > maxCells) {
    throw new VitrineError('report-invalid', `reports: the catalog has ${domain.length} (offer, variant) pairs, more than the ${maxCells} a report can carry`);
  }
  return { domain, index: new Map(domain.map(([offer, variant], i) => [cellKey(offer, variant), i])) };
}

/**
 * Builds the reports of every closed window since `from`: for each window, each catalog
 * version and each arm with exposures, one report (split in parts under 64 KiB) with one cell
 * per (offer, variant) of that version, in catalog order, zeros included, each counter clamped
 * to its contribution bound. Pure: the same input gives the same reports (ids and noise aside).
 * @returns the reports, oldest window first, and the end of the last window built
 * @throws VitrineError `report-invalid` when a catalog has more cells than a report may carry
 */
export function buildReports(input: BuildInput): BuildOutput {
  const { catalog, windowMs, now } = input;
  const open = openWindow(now, windowMs);
  const versions = new Map<string, Version>([[catalog.version, versionOf(reportDomain(catalog))]]);
  const versionFor = (name: string | undefined): string => {
    const earlier = name === undefined ? undefined : input.earlier?.[name];
    if (earlier && !versions.has(name!)) versions.set(name!, versionOf(earlier));
    return name !== undefined && versions.has(name) ? name : catalog.version;
  };

  // window start → "version arm" → counters, cell i's metric m at i * METRICS.length + OFFSET[m]
  const windows = new Map<number, Map<string, { version: string; arm: Arm; counts: Float64Array }>>();
  for (const e of input.exposures) {
    if (e.at < input.from || e.at >= open) continue;
    const version = versionFor(e.catalog);
    const { domain, index } = versions.get(version)!;
    const i = index.get(cellKey(e.offer, e.variant));
    if (i === undefined) continue;
    const start = windowOf(e.at, windowMs);
    let groups = windows.get(start);
    if (!groups) windows.set(start, (groups = new Map()));
    const key = `${version} ${e.arm}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { version, arm: e.arm, counts: new Float64Array(domain.length * METRICS.length) }));
    group.counts[i * METRICS.length + OFFSET[KIND_METRIC[e.kind]]]! += 1;
    if (e.kind === 'conversion') group.counts[i * METRICS.length + OFFSET.revenue]! += e.value ?? 0;
  }

  const reports: Report[] = [];
  let until = Math.max(input.from, open);
  for (const start of [...windows.keys()].sort((a, b) => a - b)) {
    const built: Report[] = [];
    for (const { version, arm, counts } of windows.get(start)!.values()) {
      const cells = versions.get(version)!.domain.map(([offer, variant], i): ReportCell => {
        const cell = { offer, variant, arm } as ReportCell;
        for (const m of METRICS) {
          cell[m] = Math.min(Math.max(Math.round(counts[i * METRICS.length + OFFSET[m]]!), 0), CONTRIBUTION_BOUNDS[m]);
        }
        return cell;
      });
      let report: Report = {
        v: 1,
        id: '',
        site: input.siteId,
        windowStart: new Date(start).toISOString(),
        windowMs,
        catalog: version,
        noise: { mechanism: 'none' },
        cells,
      };
      if (input.noise) report = addNoise(report, input.noise.epsilon, input.random ?? secureRandom);
      built.push(...split(report));
    }
    // A window is reported whole or not at all: the next build starts where this one ends.
    if (reports.length + built.length > input.room && (reports.length > 0 || !input.emptyOutbox)) {
      until = start;
      break;
    }
    reports.push(...built);
  }
  return { reports, until };
}
