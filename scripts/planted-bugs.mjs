#!/usr/bin/env node
// Plants bugs one at a time and checks that a test kills each (issue 21, point 10): each entry
// replaces `from` with `to` in `file`, runs the named test files of its vitest project, and
// puts the file back. A bug the tests do not notice is printed as SURVIVED and the exit code is 1.
// `node scripts/planted-bugs.mjs` runs them all (about 5 minutes), `node scripts/planted-bugs.mjs
// csrf cookie` those whose name holds one of the words. Needs a clean work tree for the files
// it touches; it never leaves one changed, even when interrupted between runs.
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Each bug: its name, the file it is planted in, the text it replaces there (found exactly once), and the tests that must kill it. */
export const BUGS = [
  { name: 'SRM threshold 0.001 -> 0.1', file: 'server/stats.ts', from: 'warning: pValue < 0.001', to: 'warning: pValue < 0.1', tests: ['test/server/stats.test.ts'], project: 'server' },
  {
    name: 'SRM arms swapped',
    file: 'server/stats.ts',
    from: '(p.reports - expectedP) ** 2 / expectedP + (b.reports - expectedB) ** 2 / expectedB',
    to: '(p.reports - expectedB) ** 2 / expectedB + (b.reports - expectedP) ** 2 / expectedP',
    tests: ['test/server/stats.test.ts'],
    project: 'server',
  },
  { name: 'Trusted Types lets any URL through', file: 'src/trusted-policy.ts', from: "? url : '')", to: '? url : url)', tests: ['test/unit/trusted-policy.test.ts'], project: 'unit' },
  { name: 'dashboard without frame-ancestors', file: 'server/dashboard/index.ts', from: ' frameAncestors: ["\'none\'"],', to: '', tests: ['test/server/dashboard.test.ts'], project: 'server' },
  {
    name: 'dashboard without nosniff',
    file: 'server/dashboard/index.ts',
    from: "  xContentTypeOptions: 'nosniff',",
    to: '  xContentTypeOptions: false,',
    tests: ['test/server/dashboard.test.ts'],
    project: 'server',
  },
  {
    name: 'dashboard without Referrer-Policy',
    file: 'server/dashboard/index.ts',
    from: "  referrerPolicy: 'no-referrer',",
    to: '  referrerPolicy: false,',
    tests: ['test/server/dashboard.test.ts'],
    project: 'server',
  },
  {
    name: 'reportNoise not reaching the builder',
    file: 'worker/report/reporter.ts',
    from: 'exposures, noise, room',
    to: 'exposures, noise: undefined, room',
    tests: ['test/unit/report/reporter.test.ts'],
    project: 'unit',
  },
  {
    name: 'week-old reports handed to the page',
    file: 'worker/report/reporter.ts',
    from: 'if (Date.now() - r.createdAt > KEEP_MS || (bytes',
    to: 'if ((bytes',
    tests: ['test/unit/report/reporter.test.ts'],
    project: 'unit',
  },
  {
    name: 'merged cart without its guard',
    file: 'worker/cart-sync.ts',
    from: '      mayKeepCart,\n    ),\n  );\n  if (merged)',
    to: '      keptAnyway,\n    ),\n  );\n  if (merged)',
    tests: ['test/unit/consent-guards.test.ts'],
    project: 'unit',
  },
  {
    name: 'setMeta without its check (IndexedDB)',
    file: 'worker/storage/idb.ts',
    from: "        await check(meta, guard, 'setMeta');\n",
    to: '',
    tests: ['test/unit/consent-guards.test.ts'],
    project: 'unit',
  },
  {
    name: 'putProfile without its check (memory)',
    file: 'worker/storage/memory.ts',
    from: "      check(guard, 'putProfile');\n",
    to: '',
    tests: ['test/unit/consent-guards.test.ts'],
    project: 'unit',
  },
  {
    name: 'new: no csrf on sign-in',
    file: 'server/dashboard/index.ts',
    from: "app.post('/login', sameOrigin, smallForm,",
    to: "app.post('/login', smallForm,",
    tests: ['test/server/hostile/session.test.ts'],
    project: 'server',
  },
  {
    name: 'new: cookie never Secure',
    file: 'server/dashboard/session.ts',
    from: 'return (c) => !LOOPBACK.test(new URL(c.req.url).hostname);',
    to: 'return () => false;',
    tests: ['test/server/hostile/session.test.ts'],
    project: 'server',
  },
  {
    name: 'new: API takes the session cookie',
    file: 'server/collector/auth.ts',
    from: '      if (given !== undefined && isToken(given)) {',
    to: "      if ((given !== undefined && isToken(given)) || c.req.header('Cookie')?.includes('vitrine_')) {",
    tests: ['test/server/hostile/session.test.ts'],
    project: 'server',
  },
  {
    name: 'new: sign-out leaves the session in the store',
    file: 'server/dashboard/session.ts',
    from: '      if (id) await options.store.endSession(hash(id));\n',
    to: '',
    tests: ['test/server/hostile/session.test.ts'],
    project: 'server',
  },
  {
    name: 'new: no backoff after wrong tokens',
    file: 'server/collector/guess-limit.ts',
    from: 'until: over > 0 ?',
    to: 'until: over > 1000 ?',
    tests: ['test/server/hostile/session.test.ts'],
    project: 'server',
  },
  {
    name: 'new: IPv6 keyed by the full address',
    file: 'server/collector/client-key.ts',
    from: 'groups.slice(0, 4)',
    to: 'groups.slice(0, 8)',
    tests: ['test/server/hostile/clients.test.ts', 'test/server/hostile/session.test.ts'],
    project: 'server',
  },
  {
    name: 'new: LRU cleared at once',
    file: 'server/collector/client-key.ts',
    from: '    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);',
    to: '    if (this.entries.size > this.max) this.entries.clear();',
    tests: ['test/server/hostile/clients.test.ts'],
    project: 'server',
  },
  { name: 'new: hops ignored', file: 'server/client-address.ts', from: 'entries.at(-trustedHops)', to: 'entries.at(-1)', tests: ['test/server/hostile/clients.test.ts'], project: 'server' },
  {
    name: 'new: form bodies unbounded',
    file: 'server/dashboard/index.ts',
    from: "app.post('/login', sameOrigin, smallForm,",
    to: "app.post('/login', sameOrigin,",
    tests: ['test/server/hostile/bodies.test.ts'],
    project: 'server',
  },
  {
    name: 'new: abandoned upload is 503',
    file: 'server/collector/ingest.ts',
    from: 'if (error instanceof Refusal || error instanceof BodyError)',
    to: 'if (error instanceof Refusal)',
    tests: ['test/server/hostile/bodies.test.ts'],
    project: 'server',
  },
  {
    name: 'new: no body read deadline',
    file: 'server/collector/body.ts',
    from: 'const deadline = setTimeout(',
    to: 'const deadline = 0 && setTimeout(',
    tests: ['test/server/hostile/bodies.test.ts'],
    project: 'server',
  },
  {
    name: 'new: onError logs and 500s bad bodies',
    file: 'server/app.ts',
    from: '    if (isBadBody(error)) return',
    to: '    console.error(error);\n    if (false) return',
    tests: ['test/server/hostile/bodies.test.ts'],
    project: 'server',
  },
  {
    name: 'new: no maxConnections',
    file: 'server/listen.ts',
    from: '(server as Server).maxConnections = limits.maxConnections;',
    to: '',
    tests: ['test/server/hostile/bodies.test.ts'],
    project: 'server',
  },
  {
    name: 'new: dotfiles served',
    file: 'server/static.ts',
    from: " || relative.split(/[\\\\/]/).some((part) => part.startsWith('.'))",
    to: '',
    tests: ['test/server/hostile/static.test.ts'],
    project: 'server',
  },
  {
    name: 'new: symlinks followed out',
    file: 'server/static.ts',
    from: 'const inside = real.startsWith((await realpath(root)) + sep) && ',
    to: 'const inside = ',
    tests: ['test/server/hostile/static.test.ts'],
    project: 'server',
  },
  { name: 'new: any dist file under /vitrine/', file: 'server/app.ts', from: 'sdk && SDK_FILE.test(file) ?', to: 'sdk && true ?', tests: ['test/server/hostile/static.test.ts'], project: 'server' },
  { name: 'new: demo always mounted', file: 'server/app.ts', from: 'if (options.demo) app.route', to: 'app.route', tests: ['test/server/hostile/static.test.ts'], project: 'server' },
  {
    name: 'new: future windows taken',
    file: 'server/collector/ingest.ts',
    from: 'if (end > now + WINDOW_SKEW_MS)',
    to: 'if (end > now + 1e15)',
    tests: ['test/server/hostile/windows.test.ts'],
    project: 'server',
  },
  {
    name: 'new: old windows taken',
    file: 'server/collector/ingest.ts',
    from: 'if (end < now - REPORT_KEEP_MS - WINDOW_SKEW_MS)',
    to: 'if (end < 0)',
    tests: ['test/server/hostile/windows.test.ts'],
    project: 'server',
  },
  {
    name: 'new: no retention purge',
    file: 'server/collector/index.ts',
    from: '    void store.purgeWindows(now - keepMs).catch(() => undefined);\n',
    to: '',
    tests: ['test/server/hostile/windows.test.ts'],
    project: 'server',
  },
  { name: 'new: daily totals not filled (SQLite)', file: 'server/sqlite.ts', from: '      addDaily.run(', to: '      if (0) addDaily.run(', tests: ['test/server/store.test.ts'], project: 'server' },
  {
    name: 'new: site id pattern not checked',
    file: 'server/catalog-document.ts',
    from: '  if (!SITE_ID.test(catalog.siteId)) throw',
    to: '  if (false) throw',
    tests: ['test/server/hostile/catalogs.test.ts'],
    project: 'server',
  },
  {
    name: 'new: cells not capped',
    file: 'server/catalog-document.ts',
    from: '  if (cells > MAX_CATALOG_CELLS) throw',
    to: '  if (false) throw',
    tests: ['test/server/hostile/catalogs.test.ts'],
    project: 'server',
  },
  {
    name: 'new: cache bounded by nothing',
    file: 'server/collector/catalog-registry.ts',
    from: '      if (cachedCells + shape.cells.length <= CACHED_CELLS) break;',
    to: '      break;',
    tests: ['test/server/hostile/catalogs.test.ts'],
    project: 'server',
  },
  { name: 'new: versions not trimmed (SQLite)', file: 'server/sqlite.ts', from: '    trimCatalogs.run(shape.site, shape.site);\n', to: '', tests: ['test/server/store.test.ts'], project: 'server' },
  {
    name: 'new: catalogs take text/plain',
    file: 'server/collector/catalogs.ts',
    from: '/^application\\/json\\s*(?:;|$)/i.test(',
    to: '/./.test(',
    tests: ['test/server/hostile/session.test.ts'],
    project: 'server',
  },
  {
    name: 'new: short tokens taken',
    file: 'server/config.ts',
    from: 'if (token !== undefined && token.length < TOKEN_MIN_LENGTH)',
    to: 'if (false)',
    tests: ['test/server/hostile/session.test.ts'],
    project: 'server',
  },
  {
    name: 'new: byte budget ignored (IndexedDB)',
    file: 'worker/storage/budget.ts',
    from: '  const over = () => count > maxCount || bytes > maxBytes;',
    to: '  const over = () => count > maxCount;',
    tests: ['test/unit/budget.test.ts'],
    project: 'unit',
  },
  {
    name: 'new: byte budget ignored (memory)',
    file: 'worker/storage/memory.ts',
    from: '      signals = within(signals, retention.maxSignals, signalBytes(retention));',
    to: '      signals = within(signals, retention.maxSignals, Infinity);',
    tests: ['test/unit/budget.test.ts'],
    project: 'unit',
  },
  { name: 'new: running total never taken again', file: 'worker/storage/budget.ts', from: 'k && k.count + added.length === count ?', to: 'k ?', tests: ['test/unit/budget.test.ts'], project: 'unit' },
];

/**
 * Plants each wanted bug in turn and runs its tests.
 * @param wanted words of the names to plant; all of them when empty
 * @returns how many were not killed (or could not be planted)
 */
function plant(wanted) {
  let survived = 0;
  for (const bug of BUGS.filter((b) => !wanted.length || wanted.some((w) => b.name.includes(w)))) {
    const original = readFileSync(bug.file, 'utf8');
    if (!original.includes(bug.from)) {
      console.log(`${bug.name}: cannot be planted any more (${bug.file} changed); update the entry`);
      survived++;
      continue;
    }
    writeFileSync(bug.file, original.replace(bug.from, bug.to));
    let killed;
    try {
      killed = spawnSync('npx', ['vitest', 'run', '--project', bug.project, ...bug.tests], { stdio: 'ignore', timeout: 300_000 }).status !== 0;
    } finally {
      writeFileSync(bug.file, original);
    }
    if (!killed) survived++;
    console.log(`${bug.name}: ${killed ? 'killed' : 'SURVIVED'}`);
  }
  return survived;
}

// Run as a script (not imported, as test/unit/planted-bugs.test.ts does to check the list).
if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = plant(process.argv.slice(2)) ? 1 : 0;
