import { parseArgs } from 'node:util';
import { COLLECTOR_DEFAULTS } from './collector/defaults';
import { SITE_ID, SITE_ID_TEXT } from '../src/protocol/ids';
import { TOKEN_MIN_LENGTH } from './collector/auth';
import { COUNTERS_KEEP_DAYS } from './store';

/** The server's settings, read from the environment (README: "The collector"). */
export interface Config {
  port: number;
  host: string;
  /** The package root, holding dist/ and demo/. */
  root: string;
  catalogFile: string | undefined;
  /** `postgres://…`: several collectors share one PostgreSQL. Otherwise the embedded SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Without one, a token is made for the run and printed. */
  token: string | undefined;
  k: number;
  perMinute: number;
  sites: string[] | undefined;
  origins: string[] | undefined;
  /** Proxies in front of the collector that add an `X-Forwarded-For` entry (0: none, the socket's address is the client's). */
  trustProxy: number;
  /** Where the dashboard is reached (`https://vitrine.shop.example`): its scheme makes cookies Secure, its origin is the one forms may come from. */
  publicUrl: URL | undefined;
  /** Serves the demo storefront too: `VITRINE_DEMO=1`, or `npm start` (`--demo`); never in a production configuration by default. */
  demo: boolean;
  logRequests: boolean;
  flushMs: number;
  flushReports: number;
  /** SQLite only: `full` waits for the disk at every flush, so a 202 survives a power loss too. */
  sqliteSync: 'normal' | 'full';
  /** How long counters are kept, in days. */
  keepDays: number;
  /** The private JWK file that signs priors; without one, the demo's key when the demo catalog is served, else priors are off. */
  priorsKeyFile: string | undefined;
  /** How often a new priors version is computed, in minutes. */
  priorsMinutes: number;
  /** Old periods count half as much in the priors after this many days; 0: no discount. */
  priorsHalfLifeDays: number;
  /** Central noise: ε per site (`*` for every site), or undefined for none. */
  centralEpsilon: Record<string, number> | undefined;
  /** The secret central noise is drawn from (required with it): no reader of the numbers may have it. */
  centralSecret: string | undefined;
}

/** A setting that cannot be used: the message names the variable and what it expects. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Whether the command line asks for the demo (`--demo`, the only option).
 * @throws ConfigError for any other option or a stray argument
 */
function demoOption(args: readonly string[]): boolean {
  try {
    return parseArgs({ args: [...args], strict: true, allowPositionals: false, options: { demo: { type: 'boolean' } } }).values.demo ?? false;
  } catch (error) {
    throw new ConfigError(`the command line: ${(error as Error).message} (the only option is --demo)`);
  }
}

/**
 * Reads and checks the settings: PORT, HOST, VITRINE_ROOT, VITRINE_CATALOG, VITRINE_DATABASE_URL,
 * VITRINE_DATA, VITRINE_TOKEN, VITRINE_K, VITRINE_RATE_PER_MINUTE, VITRINE_SITES, VITRINE_ORIGINS,
 * VITRINE_TRUST_PROXY, VITRINE_LOG_REQUESTS, VITRINE_FLUSH_MS, VITRINE_FLUSH_REPORTS, VITRINE_SQLITE_SYNC,
 * VITRINE_PRIORS_KEY, VITRINE_PRIORS_MINUTES, VITRINE_PRIORS_HALF_LIFE_DAYS, VITRINE_CENTRAL_EPSILON, VITRINE_CENTRAL_SECRET,
 * VITRINE_PUBLIC_URL, VITRINE_DEMO, VITRINE_KEEP_DAYS.
 * @param env the environment
 * @param defaultRoot the package root when VITRINE_ROOT is not set
 * @param args the command line's options (`--demo`: serve the demo, unless VITRINE_DEMO=0)
 * @throws ConfigError naming the variable that is wrong
 */
export function readConfig(env: Record<string, string | undefined>, defaultRoot: string, args: readonly string[] = []): Config {
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const flag = (name: string): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '' || raw === '0') return false;
    if (raw === '1') return true;
    throw new ConfigError(`${name} must be 1 or 0, got ${JSON.stringify(raw)}`);
  };
  const oneOf = <T extends string>(name: string, values: readonly T[]): T => {
    const raw = env[name] || values[0]!;
    if (!values.includes(raw as T)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
    return raw as T;
  };
  const list = (name: string): string[] | undefined => {
    const items = env[name]
      ?.split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    return items?.length ? items : undefined;
  };
  /** `1` (every site) or `shop-a=1,shop-b=0.5`: ε from 0.01 to 20. */
  const epsilons = (name: string): Record<string, number> | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const out: Record<string, number> = {};
    for (const part of raw.split(',')) {
      const [site, value] = part.includes('=') ? part.split('=', 2).map((x) => x.trim()) : ['*', part.trim()];
      const n = Number(value);
      if (!site || !Number.isFinite(n) || n < 0.01 || n > 20 || (site !== '*' && !SITE_ID.test(site))) {
        throw new ConfigError(`${name} must be an ε from 0.01 to 20 for every site, or site=ε pairs separated by commas (shop-a=1,shop-b=0.5), got ${JSON.stringify(raw)}`);
      }
      out[site] = n;
    }
    return out;
  };
  const centralEpsilon = epsilons('VITRINE_CENTRAL_EPSILON');
  const centralSecret = env.VITRINE_CENTRAL_SECRET || undefined;
  if (centralEpsilon && (!centralSecret || centralSecret.length < 32)) {
    throw new ConfigError(
      'VITRINE_CENTRAL_SECRET must be set with VITRINE_CENTRAL_EPSILON: a secret of at least 32 characters, the same for every collector, that no one who reads the numbers has (openssl rand -base64 32)',
    );
  }
  if (centralEpsilon && centralSecret === env.VITRINE_TOKEN)
    throw new ConfigError('VITRINE_CENTRAL_SECRET must not be VITRINE_TOKEN: whoever reads the numbers with the token could take the noise off');
  const origins = list('VITRINE_ORIGINS');
  for (const origin of origins ?? []) {
    // Browsers send an origin with its scheme and without a path; anything else would never match.
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new ConfigError(`VITRINE_ORIGINS must list origins as browsers send them, with their scheme and no path (https://shop.example,https://www.shop.example), got ${JSON.stringify(origin)}`);
    }
  }
  const sites = list('VITRINE_SITES');
  for (const site of sites ?? []) {
    if (!SITE_ID.test(site)) throw new ConfigError(`VITRINE_SITES must list site ids (${SITE_ID_TEXT}) separated by commas, got ${JSON.stringify(site)}`);
  }
  const databaseUrl = env.VITRINE_DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('VITRINE_DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database)');
  }
  const root = env.VITRINE_ROOT || defaultRoot;
  const token = env.VITRINE_TOKEN || undefined;
  if (token !== undefined && token.length < TOKEN_MIN_LENGTH) {
    throw new ConfigError(`VITRINE_TOKEN must be at least ${TOKEN_MIN_LENGTH} characters, got ${token.length}: make one with openssl rand -base64 24`);
  }
  let publicUrl: URL | undefined;
  if (env.VITRINE_PUBLIC_URL) {
    publicUrl = URL.canParse(env.VITRINE_PUBLIC_URL) ? new URL(env.VITRINE_PUBLIC_URL) : undefined;
    if (!publicUrl || !/^https?:$/.test(publicUrl.protocol))
      throw new ConfigError(`VITRINE_PUBLIC_URL must be the http:// or https:// URL the dashboard is reached at, got ${JSON.stringify(env.VITRINE_PUBLIC_URL)}`);
  }
  return {
    port: integer('PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    root,
    catalogFile: env.VITRINE_CATALOG || undefined,
    databaseUrl,
    dataDir: env.VITRINE_DATA || `${root}/.data`,
    token,
    k: integer('VITRINE_K', COLLECTOR_DEFAULTS.k, 1, 1_000_000),
    perMinute: integer('VITRINE_RATE_PER_MINUTE', COLLECTOR_DEFAULTS.perMinute, 1, 1_000_000_000),
    sites,
    origins,
    trustProxy: integer('VITRINE_TRUST_PROXY', 0, 0, 10),
    publicUrl,
    demo: env.VITRINE_DEMO ? flag('VITRINE_DEMO') : demoOption(args),
    logRequests: flag('VITRINE_LOG_REQUESTS'),
    flushMs: integer('VITRINE_FLUSH_MS', COLLECTOR_DEFAULTS.flushMs, 0, 1000),
    flushReports: integer('VITRINE_FLUSH_REPORTS', COLLECTOR_DEFAULTS.flushReports, 1, 100_000),
    sqliteSync: oneOf('VITRINE_SQLITE_SYNC', ['normal', 'full'] as const),
    keepDays: integer('VITRINE_KEEP_DAYS', COUNTERS_KEEP_DAYS, 8, 36_500),
    priorsKeyFile: env.VITRINE_PRIORS_KEY || undefined,
    priorsMinutes: integer('VITRINE_PRIORS_MINUTES', 60, 1, 7 * 24 * 60),
    priorsHalfLifeDays: integer('VITRINE_PRIORS_HALF_LIFE_DAYS', 14, 0, 3650),
    centralEpsilon,
    centralSecret,
  };
}
