import { minify } from 'terser';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';
const b = await rollup({ input: process.argv[2] ?? 'worker/index.ts', plugins: [nodeResolve({ browser: true }), esbuild({ target: 'es2022' })] });
const { output } = await b.generate({ format: 'iife' });
const m = (await minify(output[0].code, { ecma: 2020, compress: { passes: 3, pure_getters: true }, format: { comments: false } })).code;
console.log(m.length, gzipSync(m, { level: 9 }).length);
