/**
 * Reporting, the chunk dist/vitrine-report.js: builds one aggregate report per closed window,
 * catalog version and arm from the exposures kept on the device (build.ts, split.ts), keeps
 * it in the outbox (outbox.ts) and delivers it to the collector (sender.ts), in cycles
 * (reporter.ts). The engine loads it only with `measurement` consent and a `collectorUrl`, once
 * it has work (worker/report-due.ts).
 */
import type { EngineContext } from '../context';
import { Reporter } from './reporter';

const reporters = new WeakMap<EngineContext, Reporter>();

/**
 * Starts (or wakes) reporting for an engine: builds what is due, sends it, and keeps doing so
 * while the page stays open. Stops by itself once measurement is withdrawn or the engine closes.
 * @returns when this cycle is done; rejects when reports cannot start (a collectorUrl that is no URL)
 */
async function startReports(ctx: EngineContext): Promise<void> {
  let reporter = reporters.get(ctx);
  if (!reporter) reporters.set(ctx, (reporter = new Reporter(ctx)));
  return reporter.kick();
}

/** What reporting gives the engine. */
export interface ReportModule {
  startReports: typeof startReports;
}

/** Reporting, as worker/chunks.ts starts it. */
export const reportModule: ReportModule = { startReports };
