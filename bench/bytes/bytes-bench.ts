/**
 * Area 1 of `npm run bench`: bytes shipped, gzip and brotli, on the main thread and in all,
 * for each of Vitrine's page types and for the scripts a shop would otherwise load: Segment's
 * analytics-next (its standalone bundle), posthog-js (`array.js`) and GrowthBook (its browser
 * bundle), installed as pinned devDependencies and measured by the same code as Vitrine's
 * budgets (bench/bytes/bytes.ts). Baseline: Vitrine's product page on the main thread.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SHIPPED_FILES, measureFile, pageBytes } from './bytes';
import { figure, packageVersion, saveArea, type Figure } from '../shared/results';

/** The peers' browser bundles: package, file in it, and what the shop would load. */
const PEERS = [
  { pkg: '@segment/analytics-next', file: 'dist/umd/standalone.js', label: 'Segment analytics-next, standalone bundle' },
  { pkg: 'posthog-js', file: 'dist/array.js', label: 'PostHog posthog-js, array.js' },
  { pkg: '@growthbook/growthbook', file: 'dist/bundles/index.min.js', label: 'GrowthBook, browser bundle' },
] as const;

const require = createRequire(join(process.cwd(), 'package.json'));
/** @returns the folder an installed package lives in */
const packageDir = (pkg: string) => dirname(require.resolve(`${pkg}/package.json`));

function main(): void {
  const dist = join(process.cwd(), 'dist');
  const pages = pageBytes(SHIPPED_FILES.map((file) => measureFile(dist, file)));
  const product = pages[0]!;
  const gzipBase = { name: `Vitrine, ${product.page}, main thread, gzip`, median: product.mainThread.gzip };
  const brotliBase = { name: `Vitrine, ${product.page}, main thread, brotli`, median: product.mainThread.brotli };
  const figures: Figure[] = [];
  for (const p of pages) {
    for (const [where, bytes] of [
      ['main thread', p.mainThread],
      ['in all', p.all],
    ] as const) {
      figures.push(figure(`Vitrine, ${p.page}, ${where}, gzip`, 'B', [bytes.gzip], gzipBase));
      figures.push(figure(`Vitrine, ${p.page}, ${where}, brotli`, 'B', [bytes.brotli], brotliBase));
    }
  }
  for (const peer of PEERS) {
    const path = join(packageDir(peer.pkg), peer.file);
    const bytes = measureFile(dirname(path), path.slice(dirname(path).length + 1));
    // A peer's bundle runs on the main thread: there it is all it loads (its own chunks aside).
    figures.push(figure(`${peer.label}, main thread, gzip`, 'B', [bytes.gzip], gzipBase));
    figures.push(figure(`${peer.label}, main thread, brotli`, 'B', [bytes.brotli], brotliBase));
  }
  saveArea({
    id: '1-bytes',
    title: 'Bytes shipped',
    about:
      'What a page downloads, compressed as a server sends it (gzip -9, brotli -11). Vitrine per page type, with its largest consent adapter; the peers by the bundle a shop pastes. Exact: one measurement each. Ratio: against Vitrine’s product page on the main thread (gzip or brotli alike).',
    figures,
    versions: Object.fromEntries(PEERS.map((p) => [p.pkg, packageVersion(p.pkg)])),
  });
  for (const f of figures) console.log(`${f.name}: ${f.median} B (${f.ratio.toFixed(2)}×)`);
}

main();
