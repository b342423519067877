import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SHIPPED_FILES, bytesTable, measureFile, pageBytes } from '../../bench/bytes/bytes';
import { ADAPTER_NAMES } from '../../src/protocol/options';
import { SHARED_GLOBAL } from '../../worker/shared';

// Byte budgets per page type: what a shop's page downloads, not file by file. Bytes are exact,
// so unlike timings they are checked here. `npm test` builds first.
const dist = join(process.cwd(), 'dist');
// KB here is 1,024 bytes, as in the issue that set the ceilings (10.5 KB and 34 KB). The product
// page's "in all" rose to 34.5 KB with the engine's restart after the back-forward cache, the
// Trusted Types policy and the inventory of what is kept (`privacy.export().kept`); the page
// without offers' 26 KB to 26.5 KB with the caps that bound every store on the device (the
// exposures' count, the profile's purchases). The product page's 34.5 KB became 35 KB with
// Catalog v1's learning section (its checks) and the `learned` ranking feature; a page whose
// offers learn also loads vitrine-learn.js (the priors, their checks and Thompson sampling).
// Issue 21 added 0.5 KB to the worker, on every page that loads it: every write that keeps
// something checks the stored decision in its own transaction (the catalog, decision, seed,
// priors and profile writes too; 88 B), and signals and exposures have byte budgets besides
// their counts (249 B). Issue 22 brought every page below Segment's 31,322 B and lowered the
// ceilings to what it reached: the engine's calls by id over postMessage instead of comlink
// (2.7 KB), raw IndexedDB instead of idb (0.9 KB), and reporting and (on pages with offers)
// ranking in the engine's one file (1.7 KB); the product page's ceiling in all is Segment's
// bundle itself (the profile kept in memory and the decisions written behind the answer took
// 0.3 KB of what the rest saved). Then the script tag began to paint a returning shopper's
// offers as it runs, from the page's copy of each slot's last offers, before the engine has
// started: vitrine.js carries the renderer (1.3 KB more on its own, the same in all for a page
// with offers, as it no longer loads vitrine-render.js), so a page without offers pays 1.6 KB
// more on its main thread (8 to 9.5 KB, 23 to 25 KB in all, with the review's fixes); the catalog's signature check
// moved to vitrine-signature.js, loaded only with a `catalogKey` (0.3 KB less on every page
// with offers), and the learn chunk carries its own copy for the priors (0.4 KB), hence the
// learning page's 34 KB.
const KB = 1024;
/** Segment's standalone bundle (analytics-next 1.84.3, gzip -9), the aim for a product page in all. */
const SEGMENT_BYTES = 31_322;
// Issue 23: the visit's cart, taking a handoff link in as the page starts, `cart.handoff()` /
// `permalink()` and the engine's merge of a link's lines cost 474 B on the main thread (9,535
// to 10,009 B) and 898 B in all (31,315 to 32,213 B). Reporting then left the engine for
// vitrine-report.js, loaded only when it has work (as measuring starts, then about once per
// report window, a day unless told): 2.6 KB less on every page with an engine, and 3.5 KB on
// the page that builds or sends reports (over Segment's bundle, about once a day on a device).
// Issue 24 added 0.7 KB to the main thread (10,714 B: the tab's visit for "restored", the
// guarded `ready`, the unknown command's list, the closest name of a misspelt field, loading
// the stand-in for an engine that cannot start) and 0.5 KB to the engine (the collector's
// reason for a refused catalog, option typos as warnings): 30,886 B for a product page in all.
const BUDGETS_GZIP = {
  'product page: offers, measurement, one CMP adapter': { mainThread: 10.5 * KB, all: 30.5 * KB },
  'product page that sends its reports: offers, measurement and its report, one CMP adapter': { mainThread: 10.5 * KB, all: 34 * KB },
  // Issue 22's cut of what a warm decide() allocates in the engine (reasons picked, not sorted; no
  // iterators, copies or slices per decision; the loaded chunks and the profile's copy read
  // without a turn or a timer) took 61 B of the engine's file past 33.5 KB here.
  'product page whose offers learn: offers, learning, measurement, one CMP adapter': { mainThread: 10.5 * KB, all: 33.5 * KB + 64 },
  // Issue 24's review fixes (a refusal's reason waited for 2 s at most, names over 64 characters not compared) took 7 B past 24 KB here.
  'page without offers: measurement, one CMP adapter': { mainThread: 10.5 * KB, all: 24.25 * KB },
};
/** The product page's ceiling in all is under Segment's standalone bundle (issue 22). */
const PRODUCT_PAGE = 'product page: offers, measurement, one CMP adapter';

/**
 * The chunks a page loads only when asked: making or opening a cart handoff link, and its QR
 * code (lean-qr's smallest build inside) when the shopper asks (issue 23); the stand-in when no
 * engine could start.
 */
const CHUNK_BUDGETS_GZIP = {
  'vitrine-handoff.js': 4.25 * KB,
  'vitrine-qr.js': 2.5 * KB,
  // Loaded from beside vitrine.js only when no engine could start (issue 24): the page's stand-in and the check of the engine's file.
  'vitrine-stand-in.js': 3.5 * KB,
  // Pasted inline after each <OfferSlot> of a server-rendered page (issue 25): the renderer, painting the page's copy of the last offers before hydration.
  'vitrine-prepaint.js': 2 * KB,
  // On a Shopify store, beside vitrine.js (issue 25): the page's product, the theme's cart mirrored, a purchase from the Web Pixel.
  'vitrine-shopify.js': 1.5 * KB,
};

/** `vitrine/react` on top of the SDK (issue 25), as an app's bundle gets it: the browser build, without the pre-paint script's text. */
const REACT_BINDINGS_GZIP = 2 * KB;

describe('byte budgets per page type', () => {
  const files = SHIPPED_FILES.map((file) => measureFile(dist, file));
  const pages = pageBytes(files);
  console.log(`Bytes shipped (dist/, gzip -9 and brotli -11):\n${bytesTable(files)}`);

  it.each(pages.map((p) => [p.page, p] as const))('%s stays within its budget', (name, page) => {
    const budget = BUDGETS_GZIP[name as keyof typeof BUDGETS_GZIP];
    expect(budget, `a budget for "${name}"`).toBeDefined();
    expect(page.mainThread.gzip).toBeLessThanOrEqual(budget.mainThread);
    expect(page.all.gzip).toBeLessThanOrEqual(budget.all);
  });

  it('a product page loads fewer bytes in all than Segment’s standalone bundle', () => {
    expect(pages.find((p) => p.page === PRODUCT_PAGE)!.all.gzip).toBeLessThanOrEqual(SEGMENT_BYTES);
  });

  it.each(Object.entries(CHUNK_BUDGETS_GZIP))('%s, loaded only when asked, stays within its budget', (file, ceiling) => {
    expect(files.find((f) => f.file === file)!.gzip).toBeLessThanOrEqual(ceiling);
  });

  it('vitrine/react adds at most 2 KB to the SDK in an app’s browser bundle', () => {
    expect(measureFile(dist, 'react.mjs').gzip + measureFile(dist, 'prepaint-script.browser.mjs').gzip).toBeLessThanOrEqual(REACT_BINDINGS_GZIP);
    // The pre-paint script's text is only for server rendering.
    expect(readFileSync(join(dist, 'prepaint-script.browser.mjs'), 'utf8')).toBe('export default "";\n');
    expect(readFileSync(join(dist, 'prepaint-script.mjs'), 'utf8')).toContain(JSON.stringify(readFileSync(join(dist, 'vitrine-prepaint.js'), 'utf8').trim()));
  });

  it('measures every built file that a page can load, each a real bundle', () => {
    const built = readdirSync(dist).filter((f) => f.endsWith('.js'));
    expect([...SHIPPED_FILES].sort()).toEqual(built.sort());
    for (const f of files) expect(f.gzip, f.file).toBeGreaterThan(100);
  });

  it('builds the chunks on the modules the worker shares, without copies of their own', () => {
    const worker = readFileSync(join(dist, 'vitrine-worker.js'), 'utf8');
    expect(worker).toContain(SHARED_GLOBAL);
    for (const chunk of ['vitrine-decide.js', 'vitrine-learn.js', 'vitrine-signature.js', 'vitrine-report.js']) {
      const code = readFileSync(join(dist, chunk), 'utf8');
      expect(code, chunk).toContain(`${SHARED_GLOBAL}.errors`);
      // The error class is defined once, in the worker: a chunk that carried its own would
      // spend bytes on a second copy (codes survive either way, as they travel by name).
      expect(code, chunk).not.toMatch(/class \w+ extends Error/);
    }
  });

  it('lists in the README every file a shop hosts: the built files but the scripts it pastes inline', () => {
    const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    const step = readme.slice(readme.indexOf("**1. Host the SDK's files.**"), readme.indexOf('**2. Choose where the collector answers.**'));
    const listed = new Set([...step.matchAll(/`(vitrine[\w<>-]*\.js)`/g)].map(([, file]) => file));
    // Not hosted by hand: the pre-paint script is pasted inline, Shopify's extension hosts vitrine-shopify.js.
    const hosted = SHIPPED_FILES.filter((f) => !f.startsWith('snippet') && f !== 'vitrine-prepaint.js' && f !== 'vitrine-shopify.js').map((f) =>
      f.startsWith('vitrine-consent-') ? 'vitrine-consent-<cmp>.js' : f,
    );
    expect([...listed].sort()).toEqual([...new Set(hosted)].sort());
  });

  it('has one adapter file per consent source name, and builds each', () => {
    const sources = readdirSync('src/consent/adapters').map((f) => f.replace(/\.ts$/, ''));
    expect(sources.sort()).toEqual([...ADAPTER_NAMES].sort());
  });
});
