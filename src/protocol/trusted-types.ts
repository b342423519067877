/**
 * Trusted Types: a shop whose CSP says `require-trusted-types-for 'script'` lets a script URL
 * reach a `<script src>` or `new Worker()` only through a named policy it allows. Vitrine's is
 * `vitrine` (the CSP line: `trusted-types vitrine`), and it passes script files only: the
 * SDK's `.js` files, and the `blob:` worker that imports the engine from another origin. The page creates it once (src/trusted-policy.ts, or the Trusted Types snippet first)
 * and keeps it on a global, where every loader of the SDK's scripts finds it.
 */

/** The policy's name, as the shop's CSP allows it. */
export const POLICY_NAME = 'vitrine';
/** Where the policy is kept once created. */
export const POLICY_GLOBAL = '__vitrinePolicy';

/** The policy, as the loaders use it. */
export interface ScriptUrlPolicy {
  createScriptURL(url: string): string;
}

/**
 * @param url a URL of the SDK's own files
 * @returns the URL for a script or Worker sink: through the policy when the page has one
 *   (a TrustedScriptURL), else as is
 */
export function scriptUrl(url: string): string {
  const policy = (globalThis as unknown as Record<string, ScriptUrlPolicy | undefined>)[POLICY_GLOBAL];
  return policy ? policy.createScriptURL(url) : url;
}
