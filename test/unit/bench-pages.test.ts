import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decideModule } from '../../worker/decide/index';
import { learnModule } from '../../worker/learn/index';

// The ranking benchmark's worker (plain JavaScript, not type-checked) drives the built decide
// and learn chunks by name: a renamed export would leave its page waiting, and `npm run bench`
// with it. The names it calls must be the chunks' own.
describe("the ranking benchmark's worker", () => {
  const source = readFileSync('bench/ranking/decide-worker.js', 'utf8');
  const calls = (chunk: string) => [...new Set([...source.matchAll(new RegExp(`\\b${chunk}\\.(\\w+)\\(`, 'g'))].map((m) => m[1]!))];

  it('calls only what the decide chunk exports', () => {
    expect(calls('decide').length).toBeGreaterThan(2);
    expect(calls('decide').filter((name) => !(name in decideModule))).toEqual([]);
  });

  it('calls only what the learn chunk exports', () => {
    expect(calls('learn').length).toBeGreaterThan(0);
    expect(calls('learn').filter((name) => !(name in learnModule))).toEqual([]);
  });
});
