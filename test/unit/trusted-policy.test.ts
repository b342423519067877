import { afterEach, describe, expect, it } from 'vitest';
import { createScriptPolicy } from '../../src/trusted-policy';
import { POLICY_GLOBAL, POLICY_NAME, scriptUrl, type ScriptUrlPolicy } from '../../src/protocol/trusted-types';

const g = globalThis as unknown as Record<string, unknown>;
afterEach(() => {
  delete g[POLICY_GLOBAL];
  delete g.trustedTypes;
});

/** A browser's Trusted Types, reduced to what the policy uses: the rules it was created with. */
function withTrustedTypes(): { names: string[] } {
  const names: string[] = [];
  g.trustedTypes = { createPolicy: (name: string, rules: ScriptUrlPolicy) => (names.push(name), rules) };
  return { names };
}

describe('the Trusted Types policy "vitrine"', () => {
  it("passes the SDK's script files and the engine's blob: Worker, whatever their query or fragment", () => {
    const { names } = withTrustedTypes();
    createScriptPolicy();
    expect(names).toEqual([POLICY_NAME]);
    for (const url of ['/vitrine/vitrine.js', 'https://cdn.shop.example/vitrine/vitrine-worker.js?v=3', '/vitrine/vitrine-decide.js#x', 'blob:https://shop.example/4f1c']) {
      expect(scriptUrl(url)).toBe(url);
    }
  });

  it('turns every other URL into an empty one, which loads nothing', () => {
    withTrustedTypes();
    createScriptPolicy();
    for (const url of [
      'https://evil.example/steal.php',
      'javascript:alert(1)',
      'data:text/javascript,alert(1)',
      '/vitrine/vitrine.js.php',
      'https://evil.example/x?file=a.js',
      '/api/jsonp?callback=x',
      '',
    ]) {
      expect(scriptUrl(url), url).toBe('');
    }
  });

  it('is created once per page: a second loader keeps the first policy', () => {
    const { names } = withTrustedTypes();
    createScriptPolicy();
    const first = g[POLICY_GLOBAL];
    createScriptPolicy();
    expect(g[POLICY_GLOBAL]).toBe(first);
    expect(names).toHaveLength(1);
  });
});
