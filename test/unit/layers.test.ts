import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

// The layers point one way (docs/ARCHITECTURE.md): protocol ← page, protocol ← engine,
// protocol ← server; around them, the tooling: tools/ (what tests, benchmarks and scripts
// share) stands on nothing of the product's, and nothing but a test imports test/. This reads
// every import of the code and checks it.

const root = process.cwd();

/** Every script under a folder (TypeScript or JavaScript), as a path from the repository root. */
function sources(folder: string): string[] {
  return readdirSync(join(root, folder)).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return /\.(ts|tsx|mjs|js|cjs)$/.test(path) ? [path] : [];
  });
}

/** What a file imports: repository paths for its own modules, bare names for packages. */
function importsOf(file: string): string[] {
  const code = readFileSync(join(root, file), 'utf8');
  const patterns = [
    // import/export … from '…', the braces possibly over several lines
    /^(?:import|export)\s+(?:type\s+)?(?:\{[^}]*\}|\*(?:\s+as\s+\w+)?|\w+(?:\s*,\s*\{[^}]*\})?)\s+from\s+'([^']+)'/gm,
    /^import\s+'([^']+)'/gm,
    /\bimport\(\s*'([^']+)'\s*\)/g,
    /\brequire\(\s*'([^']+)'\s*\)/g,
  ];
  const specifiers = patterns.flatMap((p) => [...code.matchAll(p)].map((m) => m[1]!));
  return specifiers.map((s) => (s.startsWith('.') ? relative(root, join(dirname(join(root, file)), s)) : s));
}

/** The repository's own top folders: an import into one of them is checked against the layer's list. */
const OWN_FOLDERS = /^(src|worker|server|test|bench|scripts|tools)\//;

/** Which imports each layer may have: its own folders and these packages, nothing else. */
const LAYERS: { name: string; files: (f: string) => boolean; may: (target: string, file: string) => boolean }[] = [
  {
    name: 'the protocol (types and validators every side shares)',
    files: (f) => f.startsWith('src/protocol/'),
    may: (t) => t.startsWith('src/protocol/'),
  },
  {
    name: 'the page (src/)',
    files: (f) => f.startsWith('src/') && !f.startsWith('src/protocol/'),
    // One package, in one chunk: the QR encoder of handoff links (vitrine-qr.js, loaded when asked).
    // The React bindings (src/react/) stand on React and the SDK's public entry, as an app does.
    may: (t, f) => t.startsWith('src/') || (t === 'lean-qr/nano' && f === 'src/handoff/qr.ts') || (f.startsWith('src/react/') && ['react', 'vitrine', 'vitrine/prepaint-script'].includes(t)),
  },
  {
    name: 'the engine (worker/)',
    files: (f) => f.startsWith('worker/'),
    may: (t) => t.startsWith('worker/') || t.startsWith('src/protocol/'),
  },
  {
    name: 'the server (server/)',
    files: (f) => f.startsWith('server/'),
    // Only the simulator plays devices, so only it runs engine code (report building, arms).
    may: (t, f) => t.startsWith('server/') || t.startsWith('src/protocol/') || (t.startsWith('worker/') && /^server\/simulate(\.ts|\/)/.test(f)) || /^(node:|hono|@hono\/|pg$|better-sqlite3$)/.test(t),
  },
  {
    name: 'the shared tooling (tools/)',
    files: (f) => f.startsWith('tools/'),
    // Browsers, PostgreSQL, ports and the bundler's config: no product code, no test, no benchmark.
    may: (t) => !OWN_FOLDERS.test(t) || t.startsWith('tools/') || t === 'rollup.config.mjs',
  },
  {
    name: 'the benchmarks (bench/)',
    files: (f) => f.startsWith('bench/'),
    may: (t) => !OWN_FOLDERS.test(t) || /^(src|worker|server|bench|tools)\//.test(t),
  },
  {
    name: 'the scripts (scripts/)',
    files: (f) => f.startsWith('scripts/'),
    may: (t) => !OWN_FOLDERS.test(t) || /^(src|worker|server|tools|scripts)\//.test(t),
  },
];

describe('layers', () => {
  const files = ['src', 'worker', 'server', 'tools', 'bench', 'scripts'].flatMap(sources);

  it('finds the sources and their imports', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(importsOf('worker/engine.ts')).toContain('src/protocol/errors');
  });

  for (const layer of LAYERS) {
    it(`${layer.name} imports only what lies below it`, () => {
      const own = files.filter(layer.files);
      expect(own.length).toBeGreaterThan(0);
      const wrong = own.flatMap((f) =>
        importsOf(f)
          .filter((t) => !layer.may(t, f))
          .map((t) => `${f} → ${t}`),
      );
      expect(wrong).toEqual([]);
    });
  }
});
