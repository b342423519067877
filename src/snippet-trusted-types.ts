/**
 * The loader snippet for shops whose CSP requires Trusted Types
 * (dist/snippet-trusted-types.min.js; CSP: `require-trusted-types-for 'script'; trusted-types
 * vitrine`): the same as dist/snippet.min.js, with the URL through the policy `vitrine`,
 * created here and kept for the SDK (src/trusted-policy.ts). Merchants change the URL below
 * to where they host `vitrine.js`.
 */
import { installLoader } from './loader';
import { scriptUrl } from './protocol/trusted-types';
import { createScriptPolicy } from './trusted-policy';

installLoader(window, document, () => {
  createScriptPolicy();
  return scriptUrl('/vitrine/vitrine.js');
});
