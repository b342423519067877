import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { ADAPTER_NAMES } from '../../src/protocol/options';

/**
 * What a shop's pages download of Vitrine, measured from the built files in `dist/`: the one
 * measuring code behind the budgets `npm test` checks and the byte figures of `npm run bench`.
 */

/** The compressed sizes of one file, in bytes. */
export interface FileBytes {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

/** A page type: which files its main thread loads, and which it loads in all (worker and chunks too). */
export interface PageType {
  name: string;
  mainThread: readonly string[];
  offThread: readonly string[];
}

/** A page type's totals, in bytes. */
export interface PageBytes {
  page: string;
  mainThread: { gzip: number; brotli: number };
  all: { gzip: number; brotli: number };
}

/** Every file a page may load, as shipped (vitrine-prepaint.js is pasted inline in server-rendered HTML; vitrine-shopify.js is on Shopify stores). */
export const SHIPPED_FILES: readonly string[] = [
  'snippet.min.js',
  'snippet-trusted-types.min.js',
  'vitrine.js',
  'vitrine-render.js',
  'vitrine-worker.js',
  'vitrine-worker-offers.js',
  'vitrine-decide.js',
  'vitrine-learn.js',
  'vitrine-signature.js',
  'vitrine-report.js',
  'vitrine-handoff.js',
  'vitrine-qr.js',
  'vitrine-stand-in.js',
  'vitrine-prepaint.js',
  'vitrine-shopify.js',
  ...ADAPTER_NAMES.map((name) => `vitrine-consent-${name}.js`),
];

/**
 * Compresses a file as a server would: gzip at level 9, brotli at quality 11.
 * @param dist the folder of the built files
 * @param file its name there
 */
export function measureFile(dist: string, file: string): FileBytes {
  const bytes = readFileSync(join(dist, file));
  const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli };
}

/**
 * The page types a shop has, with the largest consent adapter (a page loads one), so a budget
 * holds whichever CMP the shop runs.
 * @param files the measured files, to find the largest adapter
 */
export function pageTypes(files: readonly FileBytes[]): PageType[] {
  const adapter = files.filter((f) => f.file.startsWith('vitrine-consent-')).sort((a, b) => b.gzip - a.gzip)[0]!.file;
  return [
    {
      name: 'product page: offers, measurement, one CMP adapter',
      // vitrine.js renders itself (a slot's last offers are painted as it runs); vitrine-render.js is the ESM build's chunk.
      mainThread: ['snippet.min.js', 'vitrine.js', adapter],
      offThread: ['vitrine-worker-offers.js'],
    },
    {
      // Reporting loads only when it has work: as measuring starts, then about once per report window on a device.
      name: 'product page that sends its reports: offers, measurement and its report, one CMP adapter',
      mainThread: ['snippet.min.js', 'vitrine.js', adapter],
      offThread: ['vitrine-worker-offers.js', 'vitrine-report.js'],
    },
    {
      name: 'product page whose offers learn: offers, learning, measurement, one CMP adapter',
      mainThread: ['snippet.min.js', 'vitrine.js', adapter],
      offThread: ['vitrine-worker-offers.js', 'vitrine-learn.js'],
    },
    {
      name: 'page without offers: measurement, one CMP adapter',
      mainThread: ['snippet.min.js', 'vitrine.js', adapter],
      offThread: ['vitrine-worker.js'],
    },
  ];
}

/**
 * Adds up what each page type downloads.
 * @param files the measured files
 */
export function pageBytes(files: readonly FileBytes[]): PageBytes[] {
  const sum = (names: readonly string[], key: 'gzip' | 'brotli') => names.reduce((total, name) => total + files.find((f) => f.file === name)![key], 0);
  return pageTypes(files).map((page) => ({
    page: page.name,
    mainThread: { gzip: sum(page.mainThread, 'gzip'), brotli: sum(page.mainThread, 'brotli') },
    all: { gzip: sum([...page.mainThread, ...page.offThread], 'gzip'), brotli: sum([...page.mainThread, ...page.offThread], 'brotli') },
  }));
}

/**
 * The per-file table and the per-page totals as text, for `npm test` and `npm run bench`.
 * @param files the measured files
 */
export function bytesTable(files: readonly FileBytes[]): string {
  const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [
    row(['file', 'raw', 'gzip', 'brotli']),
    row(['---', '---:', '---:', '---:']),
    ...files.map((f) => row([f.file, f.raw, f.gzip, f.brotli])),
    '',
    row(['page type', 'main thread gzip', 'main thread brotli', 'in all gzip', 'in all brotli']),
    row(['---', '---:', '---:', '---:', '---:']),
    ...pageBytes(files).map((p) => row([p.page, p.mainThread.gzip, p.mainThread.brotli, p.all.gzip, p.all.brotli])),
  ].join('\n');
}
