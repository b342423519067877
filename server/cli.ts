import { readFile, writeFile } from 'node:fs/promises';
import { webcrypto } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { validateCatalog } from '../src/protocol/validate-catalog';
import { readSigningKey, signDocument } from './signing-key';
import { createSqliteStore } from './sqlite';
import { createPostgresStore } from './postgres';
import { createPriorsPublisher } from './priors/publisher';
import { readConfig } from './config';
import { withCentralNoise } from './central-noise';
import { dirname, resolve } from 'node:path';
import { MINUTE_MS } from '../src/protocol/time';

const USAGE = `Usage:
  vitrine-catalog check <catalog.json>                      validate a catalog (Catalog v1)
  vitrine-catalog keygen <private-key.jwk>                  make a P-256 key pair; prints the public key for the catalogKey option
  vitrine-catalog sign <catalog.json> --key <private-key.jwk> [--out <signed.json>]
                                                            validate and sign a catalog
  vitrine-catalog publish <catalog.json> --collector <url>  register a catalog version (plain or signed) with the
                                                            collector before shops get it; the token is read from
                                                            VITRINE_TOKEN
  vitrine-catalog priors <site> --key <private-key.jwk> [--out <priors.json>]
                                                            compute and sign a site's priors now from a collector's
                                                            store, with the collector's settings (VITRINE_DATABASE_URL or
                                                            VITRINE_DATA, VITRINE_K, VITRINE_PRIORS_*, VITRINE_CENTRAL_*),
                                                            to serve from a CDN`;

async function readCatalog(file: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  validateCatalog(JSON.parse(text));
  return text;
}

/**
 * Registers a catalog document with a collector (`POST /v1/catalogs`), so reports citing its
 * version are accepted: run it for every version, before the file reaches the CDN.
 * @returns the exit code
 */
async function publish(file: string, collector: string, token: string, out: (line: string) => void): Promise<number> {
  const text = await readFile(file, 'utf8');
  const res = await fetch(new URL('v1/catalogs', collector.endsWith('/') ? collector : `${collector}/`), {
    method: 'POST',
    body: text,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  });
  const answer = (await res.json().catch(() => ({}))) as { error?: string; registered?: string; site?: string; version?: string };
  if (!res.ok) {
    out(`error: the collector answered ${res.status}: ${answer.error ?? 'no reason given'}`);
    return 1;
  }
  out(`ok: catalog ${answer.version} of ${answer.site} ${answer.registered === 'added' ? 'registered' : 'was already registered'} with ${collector}`);
  return 0;
}

/**
 * Computes, signs and keeps a site's priors now, from the store a collector uses.
 * @returns the exit code
 */
async function priors(site: string, keyFile: string, target: string | undefined, env: Record<string, string | undefined>, out: (line: string) => void): Promise<number> {
  // The collector's own settings (store, k, cadence, half-life, central noise): the file says what it would serve.
  const config = readConfig(env, resolve(dirname(fileURLToPath(import.meta.url)), '../..'));
  const key = await readSigningKey(await readFile(keyFile, 'utf8'));
  const store = config.databaseUrl ? await createPostgresStore(config.databaseUrl, { poolSize: 1 }) : createSqliteStore(config.dataDir);
  try {
    const released = config.centralEpsilon && config.centralSecret ? withCentralNoise(store, { epsilon: config.centralEpsilon, secret: config.centralSecret }) : store;
    const publisher = createPriorsPublisher({ store: released, k: config.k, key, everyMs: config.priorsMinutes * MINUTE_MS, halfLifeDays: config.priorsHalfLifeDays });
    const answer = await publisher.current(site, true);
    if (!answer.ok) {
      out(`error: ${answer.reason}`);
      return 1;
    }
    if (target) await writeFile(target, answer.priors.document);
    else out(answer.priors.document);
    if (target) out(`ok: priors ${answer.priors.version} of ${site} for catalog ${answer.priors.catalog} written to ${target}`);
    return 0;
  } finally {
    await store.close();
  }
}

/** The command, its file, and the options `--collector`, `--key` and `--out`, each with its value. */
const parseCommandLine = (args: string[]) => parseArgs({ args, allowPositionals: true, strict: true, options: { collector: { type: 'string' }, key: { type: 'string' }, out: { type: 'string' } } });

/**
 * The merchant's catalog tool: check, keygen, sign, publish, priors. Exit code 0 on success, 1 on a
 * bad catalog, key or answer, 2 on bad usage.
 * @param args the command line after the script name
 * @param out where results go
 * @param env where `publish` reads VITRINE_TOKEN
 */
export async function cli(args: string[], out: (line: string) => void = console.log, env: Record<string, string | undefined> = process.env): Promise<number> {
  let line: ReturnType<typeof parseCommandLine>;
  try {
    line = parseCommandLine(args);
  } catch (error) {
    // An option it does not know, or one without its value: named by parseArgs.
    out(`error: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, file] = line.positionals;
  const flag = (name: keyof typeof line.values) => line.values[name];
  if (!file || line.positionals.length > 2 || !['check', 'keygen', 'sign', 'publish', 'priors'].includes(command ?? '')) {
    out(USAGE);
    return 2;
  }
  try {
    if (command === 'check') {
      const c = validateCatalog(JSON.parse(await readFile(file, 'utf8')));
      out(`ok: catalog ${c.version} for ${c.siteId}, ${c.offers.length} offers`);
      return 0;
    }
    if (command === 'publish') {
      const collector = flag('collector');
      if (!collector || !env.VITRINE_TOKEN) {
        out(collector ? "error: set VITRINE_TOKEN to the collector's token" : USAGE);
        return collector ? 1 : 2;
      }
      return await publish(file, collector, env.VITRINE_TOKEN, out);
    }
    if (command === 'priors') {
      const keyFile = flag('key');
      if (!keyFile) {
        out(USAGE);
        return 2;
      }
      return await priors(file, keyFile, flag('out'), env, out);
    }
    const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' };
    if (command === 'keygen') {
      const pair = await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify']);
      await writeFile(file, JSON.stringify(await webcrypto.subtle.exportKey('jwk', pair.privateKey)), { mode: 0o600, flag: 'wx' });
      out(JSON.stringify(await webcrypto.subtle.exportKey('jwk', pair.publicKey)));
      return 0;
    }
    const keyFile = flag('key');
    if (!keyFile) {
      out(USAGE);
      return 2;
    }
    const envelope = await signDocument(await readSigningKey(await readFile(keyFile, 'utf8')), await readCatalog(file));
    const target = flag('out');
    if (target) await writeFile(target, envelope);
    else out(envelope);
    return 0;
  } catch (error) {
    out(`error: ${(error as Error).message}`);
    return 1;
  }
}

// Run when executed (also through the npm bin link), not when imported.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then((code) => process.exit(code));
}
