import { VitrineError } from './errors';
import { isPlainObject } from './validate';

/** How the engine may run. `auto` tries a Worker, then a blob Worker, then in-thread. */
export type EngineMode = 'auto' | 'worker' | 'inline';

/** Consent configuration; adapters for CMPs add their own fields. */
export interface ConsentOptions {
  /** Where decisions come from. `manual`: the page calls `v.consent.set()`. */
  source?: 'manual';
}

/** Options of `createVitrine` and `vitrine('init', …)` (names are a contract: DESIGN.md §3). */
export interface VitrineOptions {
  /** The merchant's site id, as in the catalog. */
  siteId: string;
  /** Same-origin URL of `vitrine-worker.js`. Default: beside the SDK script. */
  workerUrl?: string;
  /** Where the offer catalog is published. */
  catalogUrl?: string;
  /** Public key (JWK or base64 SPKI) that verifies signed catalogs. */
  catalogKey?: string | JsonWebKey;
  /** Base URL of the collector, e.g. `https://shop.example/vitrine`. */
  collectorUrl?: string;
  consent?: ConsentOptions;
  /** Report window in ms. Default: one day. */
  reportWindow?: number;
  /** Bounds of the raw signal ring. Default: 1,000 signals, 30 days. */
  retention?: { maxSignals?: number; maxAgeDays?: number };
  /** Days an untouched cart is kept. Default: 30. */
  cartTtlDays?: number;
  /** Default: `auto`. */
  engine?: EngineMode;
  /** Events per batch posted to the engine. Default: 64. */
  trackBatchSize?: number;
  /** Timeout of each engine call, in ms. Default: 10,000. */
  callTimeoutMs?: number;
  /** Timeout of opening IndexedDB and of each storage call, in ms. Default: 3,000. */
  storageTimeoutMs?: number;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  siteId: string;
  workerUrl: string | undefined;
  catalogUrl: string | undefined;
  catalogKey: string | JsonWebKey | undefined;
  collectorUrl: string | undefined;
  consent: Required<ConsentOptions>;
  reportWindow: number;
  retention: { maxSignals: number; maxAgeDays: number };
  cartTtlDays: number;
  engine: EngineMode;
  trackBatchSize: number;
  callTimeoutMs: number;
  storageTimeoutMs: number;
}

const KNOWN = new Set([
  'siteId', 'workerUrl', 'catalogUrl', 'catalogKey', 'collectorUrl', 'consent', 'reportWindow',
  'retention', 'cartTtlDays', 'engine', 'trackBatchSize', 'callTimeoutMs', 'storageTimeoutMs',
]);

function fail(field: string, expected: string): never {
  throw new VitrineError('invalid-options', `options.${field}: expected ${expected}`);
}

function optString(o: Record<string, unknown>, field: string): string | undefined {
  const v = o[field];
  if (v !== undefined && (typeof v !== 'string' || v.length === 0)) fail(field, 'a non-empty string');
  return v as string | undefined;
}

function optInt(o: Record<string, unknown>, field: string, min: number, max: number, fallback: number, prefix = ''): number {
  const v = o[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(prefix + field, `a whole number from ${min} to ${max}`);
  return v;
}

/**
 * Validates the options and fills in defaults. The engine does this at its ready handshake,
 * so the page bundle carries none of it; `createVitrine` rejects with the message.
 * @param input the untrusted options
 * @returns the resolved options
 * @throws VitrineError `invalid-options`, naming the option at fault
 */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (!isPlainObject(input)) throw new VitrineError('invalid-options', 'options: expected an object such as { siteId: "my-shop" }');
  for (const key of Object.keys(input)) {
    if (!KNOWN.has(key)) fail(key, `no such option; known options are ${[...KNOWN].join(', ')}`);
  }
  const siteId = input.siteId;
  if (typeof siteId !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(siteId)) {
    fail('siteId', 'a string of 1 to 64 letters, digits, ".", "_" or "-"');
  }
  const catalogKey = input.catalogKey;
  if (catalogKey !== undefined && typeof catalogKey !== 'string' && !isPlainObject(catalogKey)) {
    fail('catalogKey', 'a JWK object or a base64 SPKI string');
  }
  const engine = input.engine ?? 'auto';
  if (engine !== 'auto' && engine !== 'worker' && engine !== 'inline') fail('engine', '"auto", "worker" or "inline"');

  const consentIn = input.consent ?? {};
  if (!isPlainObject(consentIn)) fail('consent', 'an object such as { source: "manual" }');
  const source = consentIn.source ?? 'manual';
  if (source !== 'manual') fail('consent.source', '"manual" (CMP adapters are not in this version)');
  for (const key of Object.keys(consentIn)) if (key !== 'source') fail(`consent.${key}`, 'no such option');

  const retentionIn = input.retention ?? {};
  if (!isPlainObject(retentionIn)) fail('retention', 'an object such as { maxSignals: 1000, maxAgeDays: 30 }');
  for (const key of Object.keys(retentionIn)) {
    if (key !== 'maxSignals' && key !== 'maxAgeDays') fail(`retention.${key}`, 'no such option');
  }

  return {
    siteId,
    workerUrl: optString(input, 'workerUrl'),
    catalogUrl: optString(input, 'catalogUrl'),
    catalogKey: catalogKey as string | JsonWebKey | undefined,
    collectorUrl: optString(input, 'collectorUrl'),
    consent: { source },
    reportWindow: optInt(input, 'reportWindow', 60_000, 31 * 86_400_000, 86_400_000),
    retention: {
      maxSignals: optInt(retentionIn, 'maxSignals', 1, 100_000, 1000, 'retention.'),
      maxAgeDays: optInt(retentionIn, 'maxAgeDays', 1, 3650, 30, 'retention.'),
    },
    cartTtlDays: optInt(input, 'cartTtlDays', 1, 365, 30),
    engine,
    trackBatchSize: optInt(input, 'trackBatchSize', 1, 1000, 64),
    callTimeoutMs: optInt(input, 'callTimeoutMs', 100, 120_000, 10_000),
    storageTimeoutMs: optInt(input, 'storageTimeoutMs', 50, 60_000, 3_000),
  };
}
