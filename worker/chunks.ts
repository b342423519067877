import { loadChunk } from '../src/protocol/chunks';
import { toErrorData } from '../src/protocol/errors';
import type { DecideModule } from './decide/index';
import { reportModule } from './report/index';
import type { LearnModule } from './learn/index';
import type { OpenSigned, SignatureModule } from './signature/index';
import { contextOf, type EngineContext } from './context';
import type { EngineConfig, EngineState } from './state';

/*
 * The chunks the engine loads, by type: ranking and the catalog checks
 * (dist/vitrine-decide.js, built into dist/vitrine-worker-offers.js) and learning from the
 * collector's priors (dist/vitrine-learn.js), and the catalog's signature check
 * (dist/vitrine-signature.js, only with a catalog key). Reporting is part of the engine.
 */

/**
 * @param cfg the engine's options (where the SDK files are, how long loading may take)
 * @returns the decide chunk, loaded the first time
 */
export const decideChunk = (cfg: EngineConfig): Promise<DecideModule> => loadChunk<DecideModule>('decide', cfg.workerUrl, cfg.callTimeoutMs);

/**
 * @param cfg the engine's options
 * @returns the learn chunk (priors and Thompson sampling), loaded the first time a catalog that learns needs it
 */
export const learnChunk = (cfg: EngineConfig): Promise<LearnModule> => loadChunk<LearnModule>('learn', cfg.workerUrl, cfg.callTimeoutMs);

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

/**
 * With measurement consent and a collector, builds and sends the reports that are due (and
 * keeps doing so while the page stays open).
 */
export function startReports(s: EngineState, cfg: EngineConfig): void {
  if (!cfg.collectorUrl || !s.consent.purposes.measurement) return;
  void reportModule
    .startReports(engineContext(s))
    .catch((error) => s.emit({ type: 'reports', status: { pending: 0, sent: 0, dropped: 0, error: toErrorData(error, 'engine-failed').message }, url: '', ready: [] }));
}
