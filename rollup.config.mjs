import esbuild from 'rollup-plugin-esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';

const browser = (minify) => [nodeResolve({ browser: true }), esbuild({ target: 'es2022', minify, legalComments: 'none' })];

export default [
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
  // The engine: a classic script, so it runs in a Worker, a blob Worker, or in the page.
  {
    input: 'worker/index.ts',
    output: { file: 'dist/vitrine-worker.js', format: 'iife' },
    plugins: browser(true),
  },
  {
    input: 'src/snippet.ts',
    output: { file: 'dist/snippet.min.js', format: 'iife' },
    plugins: browser(true),
  },
  // The server, for `npm start`: Node ESM, dependencies left to node_modules.
  {
    input: 'server/main.ts',
    output: { file: 'dist/server/main.mjs', format: 'es' },
    external: (id) => id.startsWith('node:') || /^(hono|@hono)\b/.test(id),
    plugins: [esbuild({ target: 'node20', platform: 'node' })],
  },
];
