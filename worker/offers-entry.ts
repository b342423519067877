// Entry of dist/vitrine-worker-offers.js, the engine for pages that show offers: the engine
// with the decide chunk built in, so nothing loads after it before the first offer.
import './decide-entry';
import './index';
