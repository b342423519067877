/**
 * The learn chunk (dist/vitrine-learn.js): the collector's priors (fetched, checked, kept) and
 * the device's draws from them. The engine loads it only for a catalog with a `learning`
 * section, so a shop whose offers do not learn never downloads it.
 */
import { drawsFor, preparePriors } from './cache';

/** What the learn chunk gives the engine. */
export interface LearnModule {
  preparePriors: typeof preparePriors;
  drawsFor: typeof drawsFor;
}

/** The learn chunk's module, registered by worker/learn-entry.ts. */
export const learnModule: LearnModule = { preparePriors, drawsFor };
