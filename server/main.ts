import { dirname, join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { createServer } from './app';
import { ConfigError, readConfig } from './config';
import { createSqliteStore } from './sqlite';
import { createPostgresStore } from './postgres';
import type { CounterStore } from './store';
import { readSigningKey, type SigningKey } from './signing-key';
import { DEMO_PRIORS_KEY, DEMO_SITE } from './demo';
import { clientAddressOf } from './client-address';
import { listen } from './listen';

/**
 * `npm start`: serves the demo storefront, the SDK and the collector on http://localhost:$PORT
 * (default 8080). Settings come from the environment (server/config.ts, README "The collector").
 */
async function main(): Promise<void> {
  const config = readConfig(process.env, resolve(dirname(fileURLToPath(import.meta.url)), '../..'), process.argv.slice(2));
  const store: CounterStore = config.databaseUrl ? await createPostgresStore(config.databaseUrl) : createSqliteStore(config.dataDir, { synchronous: config.sqliteSync });
  // Without a configured token, one is made for this run and printed, so the demo's dashboard opens.
  const token = config.token ?? randomBytes(24).toString('base64url');
  // The demo catalog names the demo's priors key, whose private half is in the repository: it
  // signs the demo shop's priors only. Any other site needs the merchant's own key.
  const demoKey = !config.priorsKeyFile && !config.catalogFile;
  const priorsKeyFile = config.priorsKeyFile ?? (demoKey ? join(config.root, 'demo', DEMO_PRIORS_KEY) : undefined);
  let priorsKey: SigningKey | undefined;
  if (priorsKeyFile) {
    try {
      priorsKey = await readSigningKey(await readFile(priorsKeyFile, 'utf8'));
    } catch (error) {
      throw new ConfigError(`VITRINE_PRIORS_KEY: ${priorsKeyFile} cannot be used: ${(error as Error).message}`);
    }
  }
  const server = createServer({
    root: config.root,
    log: (line) => console.log(line),
    logRequests: config.logRequests,
    demo: config.demo,
    ...(config.catalogFile ? { catalogFile: config.catalogFile } : {}),
    collector: {
      store,
      token,
      k: config.k,
      keepDays: config.keepDays,
      perMinute: config.perMinute,
      sites: config.sites,
      origins: config.origins,
      publicUrl: config.publicUrl,
      batch: { delayMs: config.flushMs, maxReports: config.flushReports },
      priors: priorsKey && { key: priorsKey, everyMs: config.priorsMinutes * 60_000, halfLifeDays: config.priorsHalfLifeDays, sites: demoKey ? [DEMO_SITE] : undefined },
      log: (line) => console.log(line),
      centralNoise: config.centralEpsilon && config.centralSecret ? { epsilon: config.centralEpsilon, secret: config.centralSecret } : undefined,
      clientAddress: clientAddressOf(config.trustProxy),
    },
  });
  await server.ready;
  const { server: http, port } = await listen(server.app.fetch, { port: config.port, hostname: config.host });
  const base = `http://localhost:${port}`;
  console.log(config.demo ? `Vitrine demo storefront: ${base}/` : 'Vitrine demo storefront: off (npm start or VITRINE_DEMO=1 serves it)');
  console.log(`SDK files:               ${base}/vitrine/vitrine.js, ${base}/vitrine/vitrine-worker.js, ${base}/vitrine/vitrine-worker-offers.js`);
  console.log(`Offer catalog:           ${base}/v1/catalog`);
  if (config.centralEpsilon) console.log(`Central noise:           ε ${Object.entries(config.centralEpsilon).map(([site, e]) => (site === '*' ? `${e} for every site` : `${e} for ${site}`)).join(', ')} (README, "Central noise")`);
  console.log(`Learned priors:          ${priorsKey ? `${base}/v1/priors?site=demo-shop (a new version every ${config.priorsMinutes} min${demoKey ? '; signed with the demo\'s key, for the demo shop only' : ''})` : 'off (set VITRINE_PRIORS_KEY to a private JWK from npm run catalog -- keygen)'}`);
  console.log(`Collector:               POST ${base}/v1/reports, GET ${base}/v1/stats (Authorization: Bearer <token>), ${config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`}`);
  console.log(`Dashboard:               ${base}/dashboard?site=demo-shop${config.token ? '' : `  (token for this run: ${token})`}`);
  console.log(
    `Your own visit:          accept "Count anonymous totals" in the shop's banner and browse; within about two minutes (a page of the shop open)\n` +
      `                         its report is on the dashboard, ${config.k > 1 ? `as "1 of ${config.k} reports so far" until ${config.k} reports make a row (VITRINE_K=1 npm start shows your own numbers)` : 'in numbers (VITRINE_K=1)'}`,
  );
  console.log(`Fill it with simulated shoppers: npm run simulate (in another terminal); pictures of it all: npm run screenshots -- --token <token>`);
  console.log('Press Ctrl+C to stop.');
  // Stop accepting, answer the requests in flight (their batch is committed first), then
  // close the store.
  const stop = () =>
    http.close(async () => {
      await server.close();
      await store.close();
      process.exit(0);
    });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `Vitrine could not start: ${(error as Error).message}`);
  process.exit(2);
});
