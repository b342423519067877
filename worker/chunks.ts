import { loadChunk, loadedChunk } from '../src/protocol/chunks';
import { toErrorData } from '../src/protocol/errors';
import type { DecideModule } from './decide/index';
import type { ReportModule } from './report/index';
import { reportsUrl } from './report/sender';
import { reportingDue } from './report-due';
import { MAX_SLEEP_MS } from './report/window';
import type { LearnModule } from './learn/index';
import type { OpenSigned, SignatureModule } from './signature/index';
import { contextOf, type EngineContext } from './context';
import type { EngineConfig, EngineState } from './state';

/*
 * The chunks the engine loads, by type: ranking and the catalog checks
 * (dist/vitrine-decide.js, built into dist/vitrine-worker-offers.js) and learning from the
 * collector's priors (dist/vitrine-learn.js), and the catalog's signature check
 * (dist/vitrine-signature.js, only with a catalog key), and reporting (dist/vitrine-report.js, only
 * when it has work: worker/report-due.ts).
 */

/**
 * @param cfg the engine's options (where the SDK files are, how long loading may take)
 * @returns the decide chunk, loaded the first time
 */
export const decideChunk = (cfg: EngineConfig): Promise<DecideModule> => loadChunk<DecideModule>('decide', cfg.workerUrl, cfg.callTimeoutMs);

/** @returns the decide chunk if it is loaded already, else undefined (every decision after the first: none waits a turn for it) */
export const decideChunkNow = (): DecideModule | undefined => loadedChunk<DecideModule>('decide');

/**
 * @param cfg the engine's options
 * @returns the learn chunk (priors and Thompson sampling), loaded the first time a catalog that learns needs it
 */
export const learnChunk = (cfg: EngineConfig): Promise<LearnModule> => loadChunk<LearnModule>('learn', cfg.workerUrl, cfg.callTimeoutMs);

/** @returns the learn chunk if it is loaded already, else undefined */
export const learnChunkNow = (): LearnModule | undefined => loadedChunk<LearnModule>('learn');

/**
 * @param cfg the engine's options
 * @returns with a `catalogKey`, the check of the catalog's signature (its chunk loaded the first time); else undefined
 */
export function catalogSignature(cfg: EngineConfig): OpenSigned | undefined {
  const key = cfg.catalogKey;
  if (!key) return undefined;
  return async (doc) => (await loadChunk<SignatureModule>('signature', cfg.workerUrl, cfg.callTimeoutMs)).openSigned(doc, key, 'catalog');
}

const contexts = new WeakMap<EngineState, EngineContext>();

/** @returns the one context the chunks get of an engine */
export function engineContext(s: EngineState): EngineContext {
  let ctx = contexts.get(s);
  if (!ctx) contexts.set(s, (ctx = contextOf(s)));
  return ctx;
}

/** The engines waiting for reporting to have work, with the timer that checks again. */
const waiting = new WeakMap<EngineState, ReturnType<typeof setTimeout>>();
/** The engines whose reporting runs: it keeps its own schedule, and is only woken. */
const reporting = new WeakSet<EngineState>();

/**
 * With measurement consent and a collector, builds and sends the reports that are due (and
 * keeps doing so while the page stays open). The report chunk loads only once there is work.
 */
export function startReports(s: EngineState, cfg: EngineConfig): void {
  if (s.closed || !cfg.collectorUrl || !s.consent.purposes.measurement) return;
  clearTimeout(waiting.get(s));
  const report = async () => {
    reportsUrl(cfg.collectorUrl!, cfg.workerUrl);
    const wait = reporting.has(s) ? 0 : await reportingDue(s, cfg);
    if (wait > 0) {
      if (!s.closed)
        waiting.set(
          s,
          setTimeout(() => startReports(s, cfg), Math.min(wait, MAX_SLEEP_MS)),
        );
      return;
    }
    const module = await loadChunk<ReportModule>('report', cfg.workerUrl, cfg.callTimeoutMs);
    reporting.add(s);
    await module.startReports(engineContext(s));
  };
  report().catch((error) => s.emit({ type: 'reports', status: { pending: 0, sent: 0, dropped: 0, error: toErrorData(error, 'engine-failed').message }, url: '', ready: [] }));
}
