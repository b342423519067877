import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/*
 * The declarations the build emits (dist/types, shipped with the SDK's package) hold the
 * public API only: the entries tsconfig.build.json names are all in src/, and nothing of the
 * engine or the server is emitted beside them.
 */

const root = process.cwd();

function files(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? files(path) : [relative(root, join(root, path))];
  });
}

describe('declarations', () => {
  it('ships declarations of the public API only, none of the engine', () => {
    const config = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { include?: string[]; files?: string[] };
    const entries = [...(config.files ?? []), ...(config.include ?? [])];
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.filter((e) => !e.startsWith('src/'))).toEqual([]);
    const emitted = files('dist/types');
    expect(emitted.length).toBeGreaterThan(0);
    expect(emitted.filter((f) => !f.startsWith('dist/types/src/'))).toEqual([]);
  });
});
