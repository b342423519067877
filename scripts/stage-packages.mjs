// Fills the two published packages from the build (`npm run build` runs it last):
// packages/vitrine gets the SDK (every file at the top of dist/, and dist/types), and
// packages/collector gets the collector's bins (dist/server/main.mjs, cli.mjs) and the chunks
// they import, nothing of the benchmarks beside them. Both get the repository's LICENSE. The
// Shopify theme app extension (extensions/vitrine/assets) gets the script tag's files: the SDK,
// its engine and chunks, Shopify's consent adapter and vitrine-shopify.js.
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const dist = 'dist';
const COLLECTOR_ENTRIES = ['server/main.mjs', 'server/cli.mjs'];

/** A file and every file it imports (static or dynamic, relative), as paths below dist/. */
function withImports(entry, found = new Set()) {
  if (found.has(entry)) return found;
  found.add(entry);
  const code = readFileSync(join(dist, entry), 'utf8');
  for (const [, spec] of code.matchAll(/(?:from\s*|import\s*\(?\s*)['"](\.\.?\/[^'"]+)['"]/g)) withImports(join(dirname(entry), spec), found);
  return found;
}

function fill(pkg, files) {
  const out = join('packages', pkg);
  rmSync(join(out, 'dist'), { recursive: true, force: true });
  for (const file of files) {
    mkdirSync(dirname(join(out, 'dist', file)), { recursive: true });
    cpSync(join(dist, file), join(out, 'dist', file), { recursive: true });
  }
  cpSync('LICENSE', join(out, 'LICENSE'));
}

const sdkFiles = readdirSync(dist).filter((name) => name === 'types' || statSync(join(dist, name)).isFile());
fill('vitrine', sdkFiles);
const theme = 'extensions/vitrine/assets';
rmSync(theme, { recursive: true, force: true });
mkdirSync(theme, { recursive: true });
for (const file of sdkFiles.filter((f) => /^vitrine(?!-consent-(?!shopify)|-prepaint).*\.js$/.test(f))) cpSync(join(dist, file), join(theme, file));
fill('collector', [...new Set(COLLECTOR_ENTRIES.flatMap((entry) => [...withImports(entry)]))]);
