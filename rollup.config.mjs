import esbuild from 'rollup-plugin-esbuild';
import terser from '@rollup/plugin-terser';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

// esbuild strips types; terser minifies (a few percent smaller than esbuild's minifier,
// and every byte here is paid by every shopper).
const browser = (minify) => [
  nodeResolve({ browser: true }),
  esbuild({ target: 'es2022' }),
  ...(minify ? [terser({ ecma: 2020, compress: { passes: 3, pure_getters: true }, format: { comments: false } })] : []),
];

// One chunk per CMP adapter (dist/vitrine-consent-<name>.js), so a shop pays only for its own CMP.
// The adapters are the files of src/consent/adapters/ (one per `consent.source` name in ADAPTER_NAMES).
const ADAPTERS = readdirSync(new URL('src/consent/adapters/', import.meta.url))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();
const source = (path) => fileURLToPath(new URL(path, import.meta.url));
// `vitrine/prepaint-script` (src/react/prepaint-script.d.ts): the pre-paint script's text for
// server rendering, an empty string for browsers. Written beside the React bindings.
const prepaintScriptModules = {
  name: 'vitrine-prepaint-script',
  generateBundle() {
    const text = readFileSync(source('dist/vitrine-prepaint.js'), 'utf8').trim();
    if (/<\/script|<!--/i.test(text)) throw new Error('dist/vitrine-prepaint.js cannot be pasted inline in HTML: it holds </script or <!--');
    this.emitFile({ type: 'asset', fileName: 'prepaint-script.mjs', source: `export default ${JSON.stringify(text)};\n` });
    this.emitFile({ type: 'asset', fileName: 'prepaint-script.browser.mjs', source: 'export default "";\n' });
  },
};
// React Server Components take a module as a client one by its first statement; terser would drop it from a banner.
const useClient = { name: 'vitrine-use-client', renderChunk: (code) => `'use client';\n${code}` };
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

// The modules the engine shares with its chunks (worker/shared.ts lists them): the chunks take
// them from the global the worker bundle puts them on, rather than carrying their own copies.
const sharedSource = readFileSync(new URL('worker/shared.ts', import.meta.url), 'utf8');
const SHARED_GLOBAL = /SHARED_GLOBAL = '(\w+)'/.exec(sharedSource)[1];
const SHARED = [...sharedSource.matchAll(/^import \* as (\w+) from '(.+)';$/gm)].map(([, name, path]) => ({
  name,
  file: fileURLToPath(new URL(`${path}.ts`, new URL('worker/', import.meta.url))),
}));
if (SHARED.length === 0) throw new Error('worker/shared.ts: no shared modules found');
const sharedOf = (path) => SHARED.find((m) => m.file === (path.endsWith('.ts') ? path : `${path}.ts`));
const chunk = (input, file) => {
  // Each import id that names a shared module, to the global it is read from.
  const globalOf = new Map();
  return {
    input,
    external: (id, importer) => {
      const shared = importer && id.startsWith('.') ? sharedOf(resolve(dirname(importer), id)) : undefined;
      if (shared) globalOf.set(id, `${SHARED_GLOBAL}.${shared.name}`);
      return !!shared;
    },
    output: {
      file: `dist/${file}`,
      format: 'iife',
      globals: (id) => {
        const shared = sharedOf(id);
        const name = globalOf.get(id) ?? (shared && `${SHARED_GLOBAL}.${shared.name}`);
        if (!name) throw new Error(`${file}: ${id} is external but not a shared module`);
        return name;
      },
    },
    plugins: browser(true),
  };
};

export default [
  ...ADAPTERS.map((name) => ({
    input: `\0adapter:${name}`,
    output: { file: `dist/vitrine-consent-${name}.js`, format: 'iife' },
    plugins: [adapterEntry, ...browser(true)],
  })),
  // Script tag: the whole main-thread SDK.
  {
    input: 'src/iife.ts',
    output: { file: 'dist/vitrine.js', format: 'iife' },
    plugins: browser(true),
  },
  // ESM package, for the merchant's bundler.
  {
    input: 'src/index.ts',
    output: { file: 'dist/vitrine.mjs', format: 'es' },
    plugins: browser(false),
  },
  // `vitrine/handoff`: the decoder of cart handoff links, for the shop's app or server-side code (no dependencies).
  {
    input: 'src/handoff/index.ts',
    output: { file: 'dist/handoff.mjs', format: 'es' },
    plugins: browser(false),
  },
  // Classic scripts, minified: the engine (it runs in a Worker, a blob Worker, or in the page),
  // the chunks loaded the first time a page needs them, and the loader snippet.
  ...[
    ['worker/index.ts', 'vitrine-worker.js'],
    ['worker/offers-entry.ts', 'vitrine-worker-offers.js'],
    ['src/render-entry.ts', 'vitrine-render.js'],
    ['src/handoff-entry.ts', 'vitrine-handoff.js'],
    ['src/qr-entry.ts', 'vitrine-qr.js'],
    ['src/stand-in-entry.ts', 'vitrine-stand-in.js'],
    ['src/prepaint-entry.ts', 'vitrine-prepaint.js'],
    ['src/shopify-entry.ts', 'vitrine-shopify.js'],
    ['src/snippet.ts', 'snippet.min.js'],
    ['src/snippet-trusted-types.ts', 'snippet-trusted-types.min.js'],
  ].map(([input, file]) => ({ input, output: { file: `dist/${file}`, format: 'iife' }, plugins: browser(true) })),
  // `vitrine/shopify`: Shopify's storefront and Web Pixel in Vitrine's words (for a pixel's bundle, or a headless Shopify front).
  {
    input: 'src/shopify/index.ts',
    output: { file: 'dist/shopify.mjs', format: 'es' },
    plugins: browser(false),
  },
  // `vitrine/react`: the React bindings, on React and the SDK's own module (`vitrine`), both left
  // to the app's bundler, and the pre-paint script (built just above) that <OfferSlot> pastes
  // inline, as `vitrine/prepaint-script`. A client module for React Server Components.
  {
    input: 'src/react/index.ts',
    output: { file: 'dist/react.mjs', format: 'es' },
    external: ['react', 'vitrine', 'vitrine/prepaint-script'],
    plugins: [...browser(true), useClient, prepaintScriptModules],
  },
  // The engine's chunks, on the modules it shares with them.
  chunk('worker/decide-entry.ts', 'vitrine-decide.js'),
  chunk('worker/learn-entry.ts', 'vitrine-learn.js'),
  chunk('worker/report-entry.ts', 'vitrine-report.js'),
  chunk('worker/signature-entry.ts', 'vitrine-signature.js'),
  // The server (`npm start`) and the catalog tool: Node ESM, dependencies left to node_modules.
  {
    input: {
      main: 'server/main.ts',
      cli: 'server/cli.ts',
      simulate: 'server/simulate.ts',
      accuracy: 'bench/accuracy/accuracy.ts',
      'reports-bench': 'bench/reports/reports.ts',
      'ingest-bench': 'bench/collector/ingest.ts',
      'bare-collector': 'bench/collector/bare-collector.ts',
      'browser-bench': 'bench/shared/browsers.ts',
      'bytes-bench': 'bench/bytes/bytes-bench.ts',
      'write-results': 'bench/shared/write-results.ts',
      'learning-bench': 'bench/learning/learning.ts',
      'dashboard-bench': 'bench/dashboard/dashboard.ts',
      'interaction-bench': 'bench/interaction/interaction.ts',
      'handoff-bench': 'bench/handoff/handoff-links.ts',
      screenshots: 'scripts/screenshots.ts',
    },
    output: {
      dir: 'dist/server',
      format: 'es',
      entryFileNames: '[name].mjs',
      chunkFileNames: '[name]-[hash].mjs',
      // The collector package's bins (packages/collector/package.json) run as commands.
      banner: (chunk) => (chunk.isEntry && ['main', 'cli'].includes(chunk.name) ? '#!/usr/bin/env node' : ''),
    },
    external: (id) => id.startsWith('node:') || /^(hono|@hono|better-sqlite3|pg|autocannon|playwright-core|webdriverio|lean-qr)\b/.test(id),
    plugins: [esbuild({ target: 'node20', platform: 'node' })],
  },
];
