import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/*
 * The two published packages as a stranger gets them: packed with `npm pack` from the build
 * (packages/vitrine, packages/collector), then installed in a folder of their own without the
 * network. Their dependencies come from npm's cache, where this checkout's `npm ci` put them,
 * through a lockfile written from this repository's: `npm ci --offline` fetches nothing.
 */

const ROOT = process.cwd();

/** One packed package, as `npm pack --json` describes it. */
export interface Packed {
  name: string;
  version: string;
  /** The tarball's path. */
  tarball: string;
  /** The paths inside the package. */
  files: string[];
  /** Its package.json, as packed. */
  manifest: { dependencies?: Record<string, string>; peerDependencies?: Record<string, string>; bin?: Record<string, string>; exports?: Record<string, unknown> };
}

/**
 * Packs the two published workspaces (run `npm run build` first: it fills them).
 * @param into the folder the tarballs go to
 * @returns the packages by name
 */
export function packWorkspaces(into: string): Record<string, Packed> {
  const folders = { vitrine: 'packages/vitrine', '@vitrine/collector': 'packages/collector' } as Record<string, string>;
  const args = ['pack', ...Object.values(folders).flatMap((folder) => ['--workspace', folder]), '--json', '--pack-destination', into];
  const out = execFileSync('npm', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const packed: Record<string, Packed> = {};
  for (const p of JSON.parse(out) as { name: string; version: string; filename: string; files: { path: string }[] }[]) {
    const folder = folders[p.name]!;
    packed[p.name] = {
      name: p.name,
      version: p.version,
      tarball: join(into, p.filename),
      files: p.files.map((f) => f.path).sort(),
      manifest: JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8')),
    };
  }
  return packed;
}

type LockEntry = {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
};

/** Where Node finds `name` from the package at `from` in a lockfile's tree (its node_modules, then each parent's). */
function locate(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let at = from;
  for (;;) {
    const candidate = at ? `${at}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!at) return undefined;
    const cut = at.lastIndexOf('/node_modules/');
    at = cut < 0 ? '' : at.slice(0, cut);
  }
}

/**
 * Installs packed tarballs in `folder` as its dependencies, with no network: each tarball's
 * dependencies are taken at the versions this repository's lockfile has (so they are in npm's
 * cache), and `npm ci --offline` installs the lot, running install scripts as npm allows them
 * (`allowScripts`: better-sqlite3 builds its native module here).
 * @param folder the project (its package.json is written)
 * @param tarballs the packages to install, with the workspace folder each was packed from
 * @param allowScripts the packages whose install scripts may run
 */
export function installOffline(folder: string, tarballs: { packed: Packed; workspace: string }[], allowScripts: string[] = []): void {
  const rootLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const source = rootLock.packages;
  const packages: Record<string, LockEntry> = {};
  const dependencies: Record<string, string> = {};
  /** Adds a registry package (and what it needs) from the repository's lockfile, at the same place in the tree. */
  const addFromRepository = (path: string) => {
    if (packages[path]) return;
    const entry = source[path];
    if (!entry || entry.link || !entry.integrity) throw new Error(`${path}: not a registry package in package-lock.json`);
    packages[path] = entry;
    const peers = Object.keys(entry.peerDependencies ?? {}).filter((name) => !entry.peerDependenciesMeta?.[name]?.optional);
    for (const name of [...Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }), ...peers]) {
      const found = locate(source, path, name);
      if (found) addFromRepository(found);
      else if (!entry.optionalDependencies?.[name]) throw new Error(`${path} needs ${name}, which package-lock.json does not have`);
    }
  };
  for (const { packed, workspace } of tarballs) {
    const spec = `file:${relative(folder, packed.tarball)}`;
    dependencies[packed.name] = spec;
    const integrity = `sha512-${createHash('sha512').update(readFileSync(packed.tarball)).digest('base64')}`;
    const deps = packed.manifest.dependencies ?? {};
    packages[`node_modules/${packed.name}`] = {
      version: packed.version,
      resolved: spec,
      integrity,
      ...(Object.keys(deps).length ? { dependencies: deps } : {}),
      ...(packed.manifest.bin ? { bin: packed.manifest.bin } : {}),
    };
    for (const name of Object.keys(deps)) {
      if (tarballs.some((t) => t.packed.name === name)) continue;
      const found = locate(source, workspace, name);
      if (!found) throw new Error(`${packed.name} needs ${name}, which package-lock.json does not have`);
      addFromRepository(found);
    }
  }
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({ name: 'stranger', private: true, type: 'module', dependencies, allowScripts: Object.fromEntries(allowScripts.map((p) => [p, true])) }, null, 2),
  );
  writeFileSync(
    join(folder, 'package-lock.json'),
    JSON.stringify({ name: 'stranger', lockfileVersion: 3, requires: true, packages: { '': { name: 'stranger', dependencies }, ...packages } }, null, 2),
  );
  execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
}
