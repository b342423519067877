/**
 * The decide chunk (dist/vitrine-decide.js): catalog checks, ranking and its features, and
 * the shopper's view of their interests. The engine loads it the first time a page asks for
 * offers or interests, so pages without offers never download it.
 */
import { checkCatalog } from './catalog';
import { assignArm, compileCatalog, rank } from './score';
import { personalView } from './features';
import { interestsOf } from './interests';
import { withStated, withoutCategory } from './profile';
import { validateDecide } from '../src/protocol/decision';

/** What the decide chunk gives the engine. */
export interface DecideModule {
  checkCatalog: typeof checkCatalog;
  compileCatalog: typeof compileCatalog;
  rank: typeof rank;
  personalView: typeof personalView;
  assignArm: typeof assignArm;
  validateDecide: typeof validateDecide;
  interestsOf: typeof interestsOf;
  withStated: typeof withStated;
  withoutCategory: typeof withoutCategory;
}

export const decideModule: DecideModule = {
  checkCatalog, compileCatalog, rank, personalView, assignArm, validateDecide, interestsOf, withStated, withoutCategory,
};
