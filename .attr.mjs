import { rollup } from 'rollup';
import config from './rollup.config.mjs';
const c = config.find((x) => x.output?.file === 'dist/vitrine.js');
const b = await rollup({ ...c, onwarn() {} });
const { output } = await b.generate({ ...c.output, file: undefined, dir: undefined });
const mods = Object.entries(output[0].modules)
  .map(([id, m]) => [m.renderedLength, id.replace(`${process.cwd()}/`, '')])
  .sort((a, b) => b[0] - a[0]);
for (const [n, id] of mods.slice(0, 45)) console.log(n, id);
