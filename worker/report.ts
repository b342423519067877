/**
 * The report chunk (dist/vitrine-report.js): builds one aggregate report per closed window
 * from the exposures kept on the device, writes it to the outbox, and delivers it to the
 * collector (DESIGN.md §7). The engine loads it only with `measurement` consent and a
 * `collectorUrl`.
 */
import { CONTRIBUTION_BOUNDS, METRICS, REPORT_LIMITS, reportDomain, type Metric, type Report, type ReportCell } from '../src/protocol/report';
import { addNoise } from '../src/protocol/noise';
import { VitrineError, toErrorData } from '../src/protocol/errors';
import type { Catalog } from '../src/protocol/catalog';
import type { Arm } from '../src/protocol/decision';
import type { ReadyReport, ReportStatus } from '../src/protocol/engine';
import type { EngineContext } from './context';
import type { ExposureRecord, Guard, OutboxRecord, PendingReport } from './storage/store';
import type { ConsentState } from '../src/protocol/consent';

const MINUTE = 60_000;
/** Reports waiting in the outbox at most; older windows are built once there is room. */
export const MAX_PENDING = 200;
/**
 * A report not acknowledged within a week is dropped: the collector forgets report ids after
 * eight days, so a later resend could be counted twice.
 */
export const KEEP_MS = 7 * 24 * 60 * MINUTE;
/** The first retry waits up to this long; each failure doubles it, up to an hour. */
export const BACKOFF_MS = 5_000;
const MAX_BACKOFF_MS = 60 * MINUTE;
/** A send claims its report for this long, so another tab without Web Locks leaves it alone. */
const LEASE_MS = MINUTE;
/** A send that gets no answer within this long is given up and retried later. */
const SEND_TIMEOUT_MS = 30_000;
/**
 * A window is reported this long after it closes (at most), so exposures still on their way
 * (a click in the page's track batch, another tab's in its engine's queue) are in it.
 */
const GRACE_MS = MINUTE;
/** What the page is given for its hide-time sends: the keepalive quota of a page. */
const READY_BYTES = 64 * 1024;
/** Bytes a report part may take, under the collector's 64 KiB with room for the envelope. */
const PART_BYTES = REPORT_LIMITS.bytes - 4096;

const BOUNDS = METRICS.map((m) => CONTRIBUTION_BOUNDS[m]);
const REVENUE = METRICS.indexOf('revenue');

const KIND_METRIC: Record<ExposureRecord['kind'], Metric> = {
  impression: 'impressions',
  click: 'clicks',
  dismiss: 'dismissals',
  conversion: 'conversions',
};

/** Uniform numbers in [0, 1) from the platform's CSPRNG: report ids and noise must not be guessable. */
function secureRandom(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
}

function reportId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The start of the window `at` falls in: windows are aligned on multiples of their length since the epoch. */
export function windowOf(at: number, windowMs: number): number {
  return at - (((at % windowMs) + windowMs) % windowMs);
}

/** What to report and how. */
export interface BuildInput {
  catalog: Catalog;
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

/**
 * Builds the reports of every closed window since `from`: for each window with exposures and
 * each arm they were ranked in, one report (split in parts under 64 KiB) with one cell per
 * (offer, variant) of the catalog, in catalog order, zeros included, each counter clamped to
 * its contribution bound. Exposures of offers no longer in the catalog are left out.
 * @returns the reports, oldest window first, and the end of the last window built
 * @throws VitrineError `report-invalid` when the catalog has more cells than a report may carry
 */
export function buildReports(input: BuildInput): BuildOutput {
  const { catalog, windowMs, now } = input;
  const open = windowOf(now - Math.min(GRACE_MS, windowMs), windowMs);
  const domain = reportDomain(catalog);
  const maxCells = REPORT_LIMITS.cells * REPORT_LIMITS.parts;
  if (domain.length > maxCells) {
    throw new VitrineError('report-invalid', `reports: the catalog has ${domain.length} (offer, variant) pairs, more than the ${maxCells} a report can carry`);
  }
  const index = new Map(domain.map(([offer, variant], i) => [`${offer}\u0000${variant}`, i]));

  // window start → arm → counters per cell
  const windows = new Map<number, Map<Arm, Float64Array>>();
  for (const e of input.exposures) {
    if (e.at < input.from || e.at >= open) continue;
    const i = index.get(`${e.offer}\u0000${e.variant}`);
    if (i === undefined) continue;
    const start = windowOf(e.at, windowMs);
    let arms = windows.get(start);
    if (!arms) windows.set(start, (arms = new Map()));
    let counts = arms.get(e.arm);
    // Counters of cell i at i * 5 + the metric's place in METRICS.
    if (!counts) arms.set(e.arm, (counts = new Float64Array(domain.length * METRICS.length)));
    counts[i * METRICS.length + METRICS.indexOf(KIND_METRIC[e.kind])]! += 1;
    if (e.kind === 'conversion') counts[i * METRICS.length + REVENUE]! += e.value ?? 0;
  }

  const reports: Report[] = [];
  let until = Math.max(input.from, open);
  for (const start of [...windows.keys()].sort((a, b) => a - b)) {
    const built: Report[] = [];
    for (const [arm, counts] of windows.get(start)!) {
      const clamp = (i: number, j: number) => Math.min(Math.max(Math.round(counts[i * METRICS.length + j]!), 0), BOUNDS[j]!);
      const cells = domain.map(([offer, variant], i): ReportCell => ({
        offer, variant, arm,
        impressions: clamp(i, 0), clicks: clamp(i, 1), dismissals: clamp(i, 2), conversions: clamp(i, 3), revenue: clamp(i, 4),
      }));
      let report: Report = {
        v: 1, id: '', site: input.siteId, windowStart: new Date(start).toISOString(), windowMs,
        catalog: catalog.version, noise: { mechanism: 'none' }, cells,
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

// `{"offer":"","variant":"","arm":"","impressions":,"clicks":,"dismissals":,"conversions":,"revenue":}`
const CELL_FIXED = JSON.stringify({ offer: '', variant: '', arm: '', ...Object.fromEntries(METRICS.map((m) => [m, 0])) }).length - METRICS.length;

/** The length of a cell's JSON, without building it: ids are ASCII by the catalog's rules, so a character is a byte. */
function cellLength(c: ReportCell): number {
  let n = CELL_FIXED + c.offer.length + c.variant.length + c.arm.length;
  for (const m of METRICS) n += String(c[m]).length;
  return n;
}

/** Splits a report into parts of at most 400 cells and under 64 KiB, each with its own id. */
function split(report: Report): Report[] {
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
    id: reportId(),
    cells,
    ...(groups.length > 1 ? { part: { index, count: groups.length } } : {}),
  }));
}

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
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 24 * 60 * MINUTE) : undefined;
}

const mayMeasure: Guard = (c) => !!c?.purposes.measurement;

/** Where reports go: `{collectorUrl}/v1/reports`, a relative collectorUrl resolved against the SDK's files. */
export function reportsUrl(collectorUrl: string, base: string | undefined): string {
  return new URL('v1/reports', new URL(collectorUrl.replace(/\/*$/, '/'), base)).href;
}

/** One engine's reporting: builds and sends in cycles, one at a time, and sleeps until the next is due. */
class Reporter {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly status: ReportStatus = { pending: 0, sent: 0, dropped: 0 };
  private readonly url: string;

  constructor(private readonly ctx: EngineContext) {
    try {
      this.url = reportsUrl(ctx.config.collectorUrl!, ctx.config.workerUrl ?? globalThis.location?.href);
    } catch {
      throw new VitrineError('invalid-options', `options.collectorUrl: expected a URL, got ${JSON.stringify(ctx.config.collectorUrl)}`);
    }
  }

  /**
   * Reports need measurement consent and IndexedDB: exposures kept in memory after a storage
   * failure may also have reached IndexedDB, and would then be reported twice.
   */
  private allowed(): boolean {
    return !this.ctx.closed() && this.ctx.consent().purposes.measurement && this.ctx.store().kind === 'indexeddb';
  }

  /** Runs a cycle now (or right after the one running). */
  kick(): Promise<void> {
    clearTimeout(this.timer);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = (this.running = this.cycle()
      .catch((error) => {
        this.status.error = toErrorData(error, 'report-invalid').message;
      })
      .then(() => this.schedule())
      // Only a closed engine fails here; there is nobody left to tell.
      .catch(() => undefined));
    void run.finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.kick();
      }
    });
    return run;
  }

  private async cycle(): Promise<void> {
    if (!this.allowed()) return;
    // A window that cannot be built (a catalog too big to report) must not hold back the reports already built.
    const outbox = await this.build().catch((error) => {
      this.status.error = toErrorData(error, 'report-invalid').message;
      return this.read();
    });
    // The page learns of new reports before they are sent, so it can still send them itself if it is hidden meanwhile.
    this.tell(outbox);
    const locks = (globalThis.navigator as (Navigator & { locks?: LockManager }) | undefined)?.locks;
    // One sender per site across tabs; a tab that finds the lock taken leaves the sending to its holder.
    if (locks?.request) await locks.request(`${this.ctx.config.dbName}:reports`, { ifAvailable: true }, (lock) => (lock ? this.send(outbox) : undefined));
    else await this.send(outbox);
  }

  private read(): Promise<OutboxRecord | undefined> {
    return this.ctx.guarded(() => this.ctx.store().get('outbox'));
  }

  /**
   * Builds the closed windows' reports and writes them to the outbox with the new `reportedUntil`, atomically.
   * @returns the outbox as written
   */
  private async build(): Promise<OutboxRecord | undefined> {
    const { ctx } = this;
    if (!ctx.catalog.current && ctx.catalog.loading) await ctx.catalog.loading;
    const catalog = ctx.catalog.current;
    const now = Date.now();
    let before = await this.read();
    if (!before) {
      // Measuring starts when it was granted: what happened before is never reported. The
      // decision is the one stored on the device, read inside the transaction.
      let stored: ConsentState | undefined;
      const guard: Guard = (c) => ((stored = c), mayMeasure(c));
      before = await ctx.guarded(() =>
        ctx.store().update('outbox', (current) => current ?? { id: 'current', reportedUntil: Math.min(stored?.updatedAt ?? now, now), reports: [] }, guard),
      );
      if (!before) return undefined;
    }
    const from = before.reportedUntil;
    const exposures = await ctx.guarded(() => ctx.store().exposuresSince(from));
    let failure: unknown;
    const written = await ctx.guarded(() =>
      ctx.store().update('outbox', (current) => {
        // Another tab built these windows meanwhile, or measurement was withdrawn: nothing to do.
        if (!current || !catalog || current.reportedUntil !== from) return current;
        try {
          const { reports, until } = buildReports({
            catalog, siteId: ctx.config.siteId, windowMs: ctx.config.reportWindow, from: current.reportedUntil, now,
            exposures, noise: ctx.config.reportNoise, room: MAX_PENDING - current.reports.length, emptyOutbox: !current.reports.length,
          });
          // While the collector is backing off, new reports wait with the others.
          const nextAt = Math.max(now, ...current.reports.filter((r) => r.attempts > 0).map((r) => r.nextAt));
          const pending = reports.map((r): PendingReport => ({ id: r.id, body: JSON.stringify(r), createdAt: now, attempts: 0, nextAt }));
          return { ...current, reportedUntil: until, reports: [...current.reports, ...pending] };
        } catch (error) {
          failure = error;
          return current;
        }
      }, mayMeasure),
    );
    if (failure) throw failure;
    return written;
  }

  /**
   * Sends what is due, oldest first; stops at the first retryable failure. Each send first
   * claims its report in a transaction, so a snapshot of the outbox is enough to start from.
   */
  private async send(outbox: OutboxRecord | undefined): Promise<void> {
    const { ctx, status } = this;
    const change = (fn: (doc: OutboxRecord) => OutboxRecord) =>
      ctx.guarded(() => ctx.store().update('outbox', (doc) => doc && fn(doc), mayMeasure));
    const remove = (id: string) => change((doc) => ({ ...doc, reports: doc.reports.filter((r) => r.id !== id) }));
    const drop = (id: string, why: string) => {
      status.dropped++;
      status.error = why;
      return remove(id);
    };
    for (const report of outbox?.reports ?? []) {
      const now = Date.now();
      if (now - report.createdAt > KEEP_MS) {
        await drop(report.id, `a report could not be delivered within ${KEEP_MS / 86_400_000} days`);
        continue;
      }
      // Sending needs measurement consent now, not when the report was built.
      if (report.nextAt > now || !this.allowed()) continue;
      let claimed = false;
      await change((doc) => ({
        ...doc,
        reports: doc.reports.map((r) => (r.id === report.id && r.nextAt <= now ? ((claimed = true), { ...r, nextAt: now + LEASE_MS }) : r)),
      }));
      if (!claimed) continue;
      let response: Response | undefined;
      // Read within the time limit too: a body that never ends must not hold the lock forever.
      let detail = '';
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), SEND_TIMEOUT_MS);
      try {
        // text/plain is a simple request: no CORS preflight. keepalive lets it finish if the page goes away.
        response = await fetch(this.url, { method: 'POST', body: report.body, keepalive: true, credentials: 'omit', cache: 'no-store', signal: abort.signal });
        detail = (await response.text()).slice(0, 300);
      } catch {
        // Offline, unreachable, or no answer in time: retried with backoff.
        response = undefined;
      } finally {
        clearTimeout(timer);
      }
      if (response?.ok) {
        status.sent++;
        await remove(report.id);
      } else if (response && response.status < 500 && response.status !== 408 && response.status !== 429) {
        await drop(report.id, `the collector refused a report: ${response.status} ${detail}`.trim());
      } else {
        // The collector is unwell or busy: the whole outbox waits, not only this report.
        const until = Date.now() + backoff(report.attempts + 1, retryAfter(response?.headers.get('Retry-After') ?? null, now));
        await change((doc) => ({
          ...doc,
          reports: doc.reports.map((r) => (r.id === report.id ? { ...r, attempts: r.attempts + 1, nextAt: until } : { ...r, nextAt: Math.max(r.nextAt, until) })),
        }));
        return;
      }
    }
  }

  /** Tells the page what is in the outbox. */
  private tell(outbox: OutboxRecord | undefined): PendingReport[] {
    const reports = outbox?.reports ?? [];
    this.status.pending = reports.length;
    // The oldest first, as much as one keepalive quota takes; never one too old to be counted once.
    const ready: ReadyReport[] = [];
    let bytes = 0;
    for (const r of reports) {
      if (Date.now() - r.createdAt > KEEP_MS || (bytes += r.body.length) > READY_BYTES) continue;
      ready.push({ body: r.body, nextAt: r.nextAt });
    }
    this.ctx.emit({ type: 'reports', status: { ...this.status }, url: this.url, ready });
    return reports;
  }

  /** Tells the page, then sleeps until the next window closes or the next retry is due. */
  private async schedule(): Promise<void> {
    if (!this.allowed()) return;
    const reports = this.tell(await this.read().catch(() => undefined));
    const { ctx } = this;
    const now = Date.now();
    const windowMs = ctx.config.reportWindow;
    // Devices should not all report the second a window closes: spread them over a tenth of it (at most 5 min).
    const grace = Math.min(GRACE_MS, windowMs);
    const nextWindow = windowOf(now - grace, windowMs) + windowMs + grace + secureRandom() * Math.min(windowMs / 10, 5 * MINUTE);
    const next = Math.min(nextWindow, ...reports.map((r) => r.nextAt));
    // At most an hour: a reporter whose engine was closed is then let go.
    this.timer = setTimeout(() => void this.kick(), Math.min(Math.max(next - now, 1000), 60 * MINUTE));
  }
}

const reporters = new WeakMap<EngineContext, Reporter>();

/**
 * Starts (or wakes) reporting for an engine: builds what is due, sends it, and keeps doing so
 * while the page stays open. Stops by itself once measurement is withdrawn or the engine closes.
 * @returns when this cycle is done
 */
function startReports(ctx: EngineContext): Promise<void> {
  let reporter = reporters.get(ctx);
  if (!reporter) reporters.set(ctx, (reporter = new Reporter(ctx)));
  return reporter.kick();
}

/** What the report chunk gives the engine. */
export interface ReportModule {
  startReports: typeof startReports;
}

export const reportModule: ReportModule = { startReports };
