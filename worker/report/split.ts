import { METRICS, REPORT_LIMITS, type Report, type ReportCell } from '../../src/protocol/report';
import { REPORT_ID_BYTES, randomHex } from '../../src/protocol/ids';
import { VitrineError } from '../../src/protocol/errors';

/** Bytes a report part may take, under the collector's 64 KiB with room for the envelope. */
const PART_BYTES = REPORT_LIMITS.bytes - 4096;

// `{"offer":"","variant":"","arm":"","impressions":,"clicks":,"dismissals":,"conversions":,"revenue":}`
const CELL_FIXED = JSON.stringify({ offer: '', variant: '', arm: '', ...Object.fromEntries(METRICS.map((m) => [m, 0])) }).length - METRICS.length;

/** The length of a cell's JSON, without building it: ids are ASCII by the catalog's rules, so a character is a byte. */
function cellLength(c: ReportCell): number {
  let n = CELL_FIXED + c.offer.length + c.variant.length + c.arm.length;
  for (const m of METRICS) n += String(c[m]).length;
  return n;
}

/**
 * Splits a report into parts of at most 400 cells and under 64 KiB, each with its own id.
 * @throws VitrineError `report-invalid` when it would take more parts than a report may have
 */
export function split(report: Report): Report[] {
  const envelope = new TextEncoder().encode(JSON.stringify({ ...report, cells: [], part: { index: 99, count: 100 } })).length;
  const groups: ReportCell[][] = [[]];
  let size = envelope;
  for (const cell of report.cells) {
    const cellBytes = cellLength(cell) + 1;
    let group = groups[groups.length - 1]!;
    if (group.length >= REPORT_LIMITS.cells || (group.length && size + cellBytes > PART_BYTES)) {
      groups.push((group = []));
      size = envelope;
    }
    group.push(cell);
    size += cellBytes;
  }
  if (groups.length > REPORT_LIMITS.parts) {
    throw new VitrineError('report-invalid', `reports: the catalog's report would take ${groups.length} parts, more than the ${REPORT_LIMITS.parts} a report may have`);
  }
  return groups.map((cells, index) => ({
    ...report,
    id: randomHex(REPORT_ID_BYTES),
    cells,
    ...(groups.length > 1 ? { part: { index, count: groups.length } } : {}),
  }));
}
