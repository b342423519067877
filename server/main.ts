import { dirname, join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { createServer } from './app';
import { catalogSiteProblem } from './catalog';
import { ConfigError, readConfig } from './config';
import { createSqliteStore } from './sqlite';
import { createPostgresStore } from './postgres';
import type { CounterStore } from './store';
import { readSigningKey, type SigningKey } from './signing-key';
import { DEMO_PRIORS_KEY, DEMO_SITE } from './demo';
import { clientAddressOf } from './client-address';
import { listen } from './listen';
import { startupLines } from './startup-lines';
import { sdkFolder } from './sdk-folder';
import { MINUTE_MS } from '../src/protocol/time';

/**
 * `npm start`: serves the demo storefront, the SDK and the collector on http://localhost:$PORT
 * (default 8080). Settings come from the environment (server/config.ts, README "The collector").
 */
async function main(): Promise<void> {
  const config = readConfig(process.env, resolve(dirname(fileURLToPath(import.meta.url)), '../..'), process.argv.slice(2));
  // The merchant's own catalog only: without VITRINE_CATALOG the demo's is served, whatever the sites.
  const siteProblem = config.catalogFile && (await catalogSiteProblem(config.catalogFile, config.sites));
  if (siteProblem) throw new ConfigError(siteProblem);
  // The collector installed from npm has no demo: without VITRINE_CATALOG it serves no catalog.
  const demoFiles = existsSync(join(config.root, 'demo', 'catalog.json'));
  if (config.demo && !demoFiles) throw new ConfigError(`VITRINE_DEMO: the demo storefront is not in ${config.root} (it comes with the repository, not the collector's package)`);
  const store: CounterStore = config.databaseUrl ? await createPostgresStore(config.databaseUrl) : createSqliteStore(config.dataDir, { synchronous: config.sqliteSync });
  // Without a configured token, one is made for this run and printed, so the demo's dashboard opens.
  const token = config.token ?? randomBytes(24).toString('base64url');
  // The demo catalog names the demo's priors key, whose private half is in the repository: it
  // signs the demo shop's priors only. Any other site needs the merchant's own key.
  const demoKey = !config.priorsKeyFile && !config.catalogFile && demoFiles;
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
    sdk: sdkFolder(config.root) ?? null,
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
      priors: priorsKey && { key: priorsKey, everyMs: config.priorsMinutes * MINUTE_MS, halfLifeDays: config.priorsHalfLifeDays, sites: demoKey ? [DEMO_SITE] : undefined },
      log: (line) => console.log(line),
      centralNoise: config.centralEpsilon && config.centralSecret ? { epsilon: config.centralEpsilon, secret: config.centralSecret } : undefined,
      clientAddress: clientAddressOf(config.trustProxy),
    },
  });
  await server.ready;
  const { server: http, port } = await listen(server.app.fetch, { port: config.port, hostname: config.host });
  const base = `http://localhost:${port}`;
  for (const line of startupLines(config, { base, token, demoCatalog: demoFiles, priors: !priorsKey ? 'off' : demoKey ? 'demo-key' : 'own-key' })) console.log(line);
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
