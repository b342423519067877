// Where the bytes of the main thread's script go: each module's minified size in dist/vitrine.js,
// largest first (`node tools/bundle-modules.mjs [count]`). For finding bytes before adding any.
import { rollup } from 'rollup';
import config from '../rollup.config.mjs';

const count = Number(process.argv[2] ?? 45);
const entry = config.find((c) => c.output?.file === 'dist/vitrine.js');
const bundle = await rollup({ ...entry, onwarn() {} });
const { output } = await bundle.generate({ ...entry.output, file: undefined, dir: undefined });
const modules = Object.entries(output[0].modules)
  .map(([id, m]) => [m.renderedLength, id.replace(`${process.cwd()}/`, '')])
  .sort((a, b) => b[0] - a[0]);
for (const [length, id] of modules.slice(0, count)) console.log(length, id);
