import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decideModule } from '../../worker/decide/index';
import { learnModule } from '../../worker/learn/index';
import { ExposureLog } from '../../worker/exposures';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { testCatalog } from '../fixtures/catalog';

// The ranking benchmark's worker (plain JavaScript, not type-checked) drives the built decide
// and learn chunks by name: a renamed export would leave its page waiting, and `npm run bench`
// with it. The names it calls must be the chunks' own, and the exposure log it passes must
// have what ranking reads of one (a renamed ExposureLog method failed a whole run once).
describe("the ranking benchmark's worker", () => {
  const source = readFileSync('bench/ranking/decide-worker.js', 'utf8');
  const calls = (chunk: string) => [...new Set([...source.matchAll(new RegExp(`\\b${chunk}\\.(\\w+)\\(`, 'g'))].map((m) => m[1]!))];

  it('calls only what the decide chunk exports', () => {
    expect(calls('decide').length).toBeGreaterThan(2);
    expect(calls('decide').filter((name) => !(name in decideModule))).toEqual([]);
  });

  it('ranks with an exposure log of its own that ranking can read, as with an empty real one', () => {
    // The worker hands rank() a stand-in for the engine's ExposureLog (no exposures): ranking
    // must find on it every method it calls, and decide as with a real empty log.
    const stub = /^const noExposures = (\{.*\});$/m.exec(source)?.[1];
    expect(stub, 'const noExposures = { … }; in decide-worker.js').toBeDefined();
    const noExposures = new Function(`return ${stub}`)() as ExposureLog;
    const compiled = decideModule.compileCatalog(validateCatalog(testCatalog()));
    const input = { now: Date.now(), personal: null, cart: { categories: new Set<string>(), value: 0 }, page: {}, muted: new Set<string>(), learned: null };
    const withStub = decideModule.rank(compiled, 'home-hero', 3, input, noExposures, 42, 0);
    expect(withStub.length).toBeGreaterThan(0);
    expect(withStub).toEqual(decideModule.rank(compiled, 'home-hero', 3, input, new ExposureLog(), 42, 0));
  });

  it('calls only what the learn chunk exports', () => {
    expect(calls('learn').length).toBeGreaterThan(0);
    expect(calls('learn').filter((name) => !(name in learnModule))).toEqual([]);
  });
});
