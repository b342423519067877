import { toErrorData } from '../../src/protocol/errors';
import type { ReadyReport, ReportStatus } from '../../src/protocol/engine';
import { REPORT_KEEP_MS } from '../../src/protocol/report';
import type { EngineContext } from '../context';
import type { OutboxRecord, PendingReport } from '../storage/store';
import { buildReports } from './build';
import { MAX_SLEEP_MS, nextBuildAt } from './window';
import { MAX_PENDING, addReports, claimReport, openOutbox, postpone, readOutbox, removeReport } from './outbox';
import { reportsUrl, sendReport } from './sender';
import { DAY_MS } from '../../src/protocol/time';

/** A report not acknowledged in time is dropped (src/protocol/report.ts says why). */
export const KEEP_MS = REPORT_KEEP_MS;
/** What the page is given for its hide-time sends: the keepalive quota of a page. */
const READY_BYTES = 64 * 1024;

/**
 * One engine's reporting: builds and sends in cycles, one at a time, and sleeps until the
 * next window closes or the next retry is due. Tells the page what is in the outbox whenever
 * that changes, so a page being hidden can still send it itself (a keepalive fetch).
 */
export class Reporter {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly status: ReportStatus = { pending: 0, sent: 0, dropped: 0 };
  private readonly url: string;
  /** What the page was last told, to tell it again only when the outbox or the status changed. */
  private told = '';

  constructor(private readonly ctx: EngineContext) {
    this.url = reportsUrl(ctx.config.collectorUrl!, ctx.config.workerUrl);
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
        this.status.error = toErrorData(error, 'engine-failed').message;
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
      this.status.error = toErrorData(error, 'engine-failed').message;
      return readOutbox(this.ctx);
    });
    // The page learns of new reports before they are sent, so it can still send them itself if it is hidden meanwhile.
    this.tell(outbox);
    const locks = (globalThis.navigator as (Navigator & { locks?: LockManager }) | undefined)?.locks;
    // One sender per site across tabs; a tab that finds the lock taken leaves the sending to its holder.
    if (locks?.request) await locks.request(`${this.ctx.config.dbName}:reports`, { ifAvailable: true }, (lock) => (lock ? this.send(outbox) : undefined));
    else await this.send(outbox);
  }

  /**
   * Builds the closed windows' reports, each exposure under the catalog version it happened
   * under, into the outbox.
   * @returns the outbox as written
   */
  private async build(): Promise<OutboxRecord | undefined> {
    const { ctx } = this;
    if (!ctx.catalog.current && ctx.catalog.loading) await ctx.catalog.loading;
    const catalog = ctx.catalog.current;
    const now = Date.now();
    const before = await openOutbox(ctx, now);
    if (!before || !catalog) return before;
    const from = before.reportedUntil;
    const exposures = await ctx.guarded(() => ctx.store().exposuresSince(from));
    const earlier = (await ctx.guarded(() => ctx.store().getMeta('reportDomains'))) ?? {};
    const { siteId, reportWindow: windowMs, reportNoise: noise } = ctx.config;
    return addReports(ctx, from, now, (current) =>
      buildReports({ catalog, earlier, siteId, windowMs, from, now, exposures, noise, room: MAX_PENDING - current.reports.length, emptyOutbox: !current.reports.length }),
    );
  }

  /**
   * Sends what is due, oldest first; stops at the first retryable failure. Each send first
   * claims its report in a transaction, so a snapshot of the outbox is enough to start from.
   */
  private async send(outbox: OutboxRecord | undefined): Promise<void> {
    const { ctx, status } = this;
    const drop = (id: string, why: string) => {
      status.dropped++;
      status.error = why;
      return removeReport(ctx, id);
    };
    for (const report of outbox?.reports ?? []) {
      const now = Date.now();
      if (now - report.createdAt > KEEP_MS) {
        await drop(report.id, `a report could not be delivered within ${KEEP_MS / DAY_MS} days`);
        continue;
      }
      // Sending needs measurement consent now, not when the report was built.
      if (report.nextAt > now || !this.allowed()) continue;
      if (!(await claimReport(ctx, report.id, now))) continue;
      const outcome = await sendReport(this.url, report.body, report.attempts);
      if (outcome.kind === 'sent') {
        status.sent++;
        await removeReport(ctx, report.id);
      } else if (outcome.kind === 'refused') {
        await drop(report.id, outcome.why);
      } else {
        // The collector is unwell or busy: the whole outbox waits, not only this report.
        await postpone(ctx, report.id, Date.now() + outcome.waitMs);
        return;
      }
    }
  }

  /** Tells the page what is in the outbox, when that or the status changed since it was last told. */
  private tell(outbox: OutboxRecord | undefined): PendingReport[] {
    const reports = outbox?.reports ?? [];
    this.status.pending = reports.length;
    // The oldest first, as much as one keepalive quota takes; never one too old to be counted once.
    const ready: (ReadyReport & { id: string })[] = [];
    let bytes = 0;
    for (const r of reports) {
      if (Date.now() - r.createdAt > KEEP_MS || (bytes += r.body.length) > READY_BYTES) continue;
      ready.push({ id: r.id, body: r.body, nextAt: r.nextAt });
    }
    const told = JSON.stringify([this.status, ready.map((r) => [r.id, r.nextAt])]);
    if (told !== this.told) {
      this.told = told;
      this.ctx.emit({ type: 'reports', status: { ...this.status }, url: this.url, ready: ready.map(({ body, nextAt }) => ({ body, nextAt })) });
    }
    return reports;
  }

  /** Tells the page, then sleeps until the next window closes or the next retry is due. */
  private async schedule(): Promise<void> {
    if (!this.allowed()) return;
    const reports = this.tell(await readOutbox(this.ctx).catch(() => undefined));
    const now = Date.now();
    const next = Math.min(nextBuildAt(now, this.ctx.config.reportWindow), ...reports.map((r) => r.nextAt));
    // At most an hour: a reporter whose engine was closed is then let go.
    this.timer = setTimeout(() => void this.kick(), Math.min(Math.max(next - now, 1000), MAX_SLEEP_MS));
  }
}
