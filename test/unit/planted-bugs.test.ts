import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
// @ts-expect-error a plain .mjs script, with no declarations
import { BUGS } from '../../scripts/planted-bugs.mjs';

interface PlantedBug {
  name: string;
  file: string;
  from: string;
  to: string;
  tests: string[];
  project: string;
}

const PROJECTS = ['unit', 'server', 'built', 'e2e', 'browser (chromium)'];

// The evals (scripts/planted-bugs.mjs) plant each bug by replacing a text in a source file: a
// file reformatted or rewritten silently unplants it. This keeps the list planted.
describe('the planted bugs of scripts/planted-bugs.mjs', () => {
  it.each((BUGS as PlantedBug[]).map((bug) => [bug.name, bug]))('%s can still be planted', (_name, bug) => {
    const source = readFileSync(bug.file, 'utf8');
    expect(source.split(bug.from).length - 1, `${bug.file} holds the text to replace once`).toBe(1);
    expect(bug.to).not.toBe(bug.from);
    for (const test of bug.tests) expect(existsSync(test), test).toBe(true);
    expect(PROJECTS).toContain(bug.project);
  });
});
