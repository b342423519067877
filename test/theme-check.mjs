// Runs Shopify's theme-check (@shopify/theme-check-node) on a theme or theme app extension and
// prints what it checked and found as JSON. Run with `node --require test/loopback-only.cjs`:
// offline, theme-check uses the Liquid docs it ships with.
import { resolve } from 'node:path';
import { themeCheckRun } from '@shopify/theme-check-node';

const run = await themeCheckRun(resolve(process.argv[2]));
console.log(
  JSON.stringify({
    context: run.config.context,
    files: run.theme.map((file) => file.uri.slice(file.uri.lastIndexOf('/', file.uri.lastIndexOf('/') - 1) + 1)),
    offenses: run.offenses.map((o) => ({ check: o.check, message: o.message, file: o.uri.slice(o.uri.lastIndexOf('/') + 1), line: o.start.line })),
  }),
);
