import esbuild from 'rollup-plugin-esbuild';
import terser from '@rollup/plugin-terser';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';

// esbuild strips types; terser minifies (a few percent smaller than esbuild's minifier,
// and every byte here is paid by every shopper).
const browser = (minify) => [
  nodeResolve({ browser: true }),
  esbuild({ target: 'es2022' }),
  ...(minify ? [terser({ ecma: 2020, compress: { passes: 3, pure_getters: true }, format: { comments: false } })] : []),
];

// One chunk per CMP adapter (dist/vitrine-consent-<name>.js), so a shop pays only for its own CMP.
// The adapters are the files of src/consent/adapters/ (one per `consent.source` name in ADAPTER_NAMES).
const ADAPTERS = readdirSync(new URL('src/consent/adapters/', import.meta.url)).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
const source = (path) => fileURLToPath(new URL(path, import.meta.url));
const adapterEntry = {
  name: 'vitrine-adapter-entry',
  resolveId: (id) => (id.startsWith('\0adapter:') ? id : null),
  load(id) {
    if (!id.startsWith('\0adapter:')) return null;
    const name = id.slice('\0adapter:'.length);
    const exported = name.replace(/-(\w)/g, (_, c) => c.toUpperCase());
    return `import { registerChunk } from ${JSON.stringify(source('./src/protocol/chunks.ts'))};
import { ${exported} } from ${JSON.stringify(source(`./src/consent/adapters/${name}.ts`))};
registerChunk('consent-${name}', ${exported});`;
  },
};

export default [
  ...ADAPTERS.map((name) => ({
    input: `\0adapter:${name}`,
    output: { file: `dist/vitrine-consent-${name}.js`, format: 'iife' },
    plugins: [adapterEntry, ...browser(true)],
  })),
  // Script tag: the whole main-thread SDK, comlink included.
  {
    input: 'src/iife.ts',
    output: { file: 'dist/vitrine.js', format: 'iife' },
    plugins: browser(true),
  },
  // ESM package: dependencies stay imports for the merchant's bundler.
  {
    input: 'src/index.ts',
    output: { file: 'dist/vitrine.mjs', format: 'es' },
    external: ['comlink'],
    plugins: browser(false),
  },
  // Classic scripts, minified: the engine (it runs in a Worker, a blob Worker, or in the page),
  // the chunks loaded the first time a page needs them, and the loader snippet.
  ...[
    ['worker/index.ts', 'vitrine-worker.js'],
    ['worker/decide-entry.ts', 'vitrine-decide.js'],
    ['worker/report-entry.ts', 'vitrine-report.js'],
    ['src/render-entry.ts', 'vitrine-render.js'],
    ['src/snippet.ts', 'snippet.min.js'],
  ].map(([input, file]) => ({ input, output: { file: `dist/${file}`, format: 'iife' }, plugins: browser(true) })),
  // The server (`npm start`) and the catalog tool: Node ESM, dependencies left to node_modules.
  {
    input: { main: 'server/main.ts', cli: 'server/cli.ts', simulate: 'server/simulate.ts', accuracy: 'bench/accuracy.ts', 'reports-bench': 'bench/reports.ts', 'ingest-bench': 'bench/ingest.ts', 'bare-collector': 'bench/bare-collector.ts', 'browser-bench': 'bench/browsers.ts' },
    output: { dir: 'dist/server', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' },
    external: (id) => id.startsWith('node:') || /^(hono|@hono|better-sqlite3|pg|autocannon|playwright-core|webdriverio)\b/.test(id),
    plugins: [esbuild({ target: 'node20', platform: 'node' })],
  },
];
