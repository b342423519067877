/**
 * The loader snippet (dist/snippet.min.js), pasted inline into every page: it defines
 * `window.vitrine(...)` as a command queue and loads the SDK without blocking the page.
 * Merchants change the URL below to where they host `vitrine.js`. A shop whose CSP requires
 * Trusted Types pastes dist/snippet-trusted-types.min.js instead.
 */
import { installLoader } from './loader';

installLoader(window, document, () => '/vitrine/vitrine.js');
