/**
 * The modules the engine shares with its chunks. The worker bundle carries them and puts them
 * on one global before any chunk loads; the built chunks (vitrine-decide.js, vitrine-learn.js)
 * take them from there instead of carrying copies of their own (rollup.config.mjs reads this
 * list). Run from sources, as in unit tests, every module imports them as usual.
 */
import * as validate from '../src/protocol/validate';
import * as errors from '../src/protocol/errors';
import * as ids from '../src/protocol/ids';
import * as arm from './arm';

/** The global the shared modules are put on, by their import name above. */
export const SHARED_GLOBAL = '__vitrineShared';

/** Puts the shared modules on {@link SHARED_GLOBAL}, for the chunks loaded after it. */
export function shareWithChunks(): void {
  (globalThis as Record<string, unknown>)[SHARED_GLOBAL] = { validate, errors, ids, arm };
}
