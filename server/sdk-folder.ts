import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Where the SDK files the server hosts at `/vitrine/…` are: the build's `dist/` in this
 * repository, or, for the collector installed from npm (`@vitrine/collector`, which holds no
 * SDK file), the `vitrine` package it depends on.
 * @param root the repository or package root
 * @returns the folder, or undefined when neither is there (then `/vitrine/…` answers 404)
 */
export function sdkFolder(root: string): string | undefined {
  const built = join(root, 'dist');
  if (existsSync(join(built, 'vitrine.js'))) return built;
  try {
    return dirname(createRequire(join(root, 'package.json')).resolve('vitrine/vitrine.js'));
  } catch {
    return undefined;
  }
}
