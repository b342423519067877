import { POLICY_GLOBAL, POLICY_NAME, type ScriptUrlPolicy } from './protocol/trusted-types';

/**
 * The policy's one rule: script files (`.js`, as the SDK's are, whatever the shop names them)
 * and the engine's `blob:` Worker pass; any other URL becomes an empty one, which loads nothing.
 * @param url a script URL
 * @returns it, or `''`
 */
const scriptFile = (url: string): string => (/^blob:|\.js$/.test(url.split(/[?#]/)[0]!) ? url : '');

/**
 * Creates the Trusted Types policy `vitrine` (src/protocol/trusted-types.ts), once per page,
 * where the browser has Trusted Types. When the shop's CSP does not allow it, nothing is
 * created: the plain URLs go on, and the browser says why if it refuses them.
 */
export function createScriptPolicy(): void {
  const g = globalThis as unknown as Record<string, unknown> & { trustedTypes?: { createPolicy(name: string, rules: object): ScriptUrlPolicy } };
  try {
    g[POLICY_GLOBAL] ??= g.trustedTypes?.createPolicy(POLICY_NAME, { createScriptURL: scriptFile });
  } catch {
    // not allowed by the shop's CSP
  }
}
