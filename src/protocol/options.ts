import { REPORT_WINDOW_MS } from './report-window';
import { Reader, isPlainObject } from './validate';
import { SITE_ID, SITE_ID_TEXT } from './ids';
import { PURPOSE_NAMES } from './consent';
import { MINUTE_MS } from './time';

/** How the engine may run. `auto` tries a Worker, then a blob Worker, then in-thread. */
export type EngineMode = 'auto' | 'worker' | 'inline';

/**
 * The CMP adapters, by `consent.source` name: the one list. Each has its file
 * `src/consent/adapters/<name>.ts`, exporting the name in camelCase, and ships as
 * `dist/vitrine-consent-<name>.js`.
 */
export const ADAPTER_NAMES = ['tcf', 'gpp', 'consent-mode', 'onetrust', 'cookiebot', 'didomi', 'usercentrics', 'klaro', 'cookieconsent', 'shopify'] as const;

/** The name of a CMP adapter. */
export type AdapterName = (typeof ADAPTER_NAMES)[number];

/** Where consent decisions come from: the page itself (`manual`), the CMP found on the page (`auto`), or a named CMP. */
export const CONSENT_SOURCES = ['manual', 'auto', ...ADAPTER_NAMES] as const;

/** A `consent.source` value. */
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/** The CMP's own names for a purpose: all of them must be granted. */
export type CategoryNames = string | string[];

/** Consent configuration (README: "Consent banners"). */
export interface ConsentOptions {
  /** Where decisions come from. Default `manual`: the page calls `v.consent.set()`. */
  source?: ConsentSource;
  /** The CMP's category, group, purpose or service names for each purpose; defaults per CMP. */
  categories?: { functional?: CategoryNames; personalization?: CategoryNames; measurement?: CategoryNames };
  /** TCF: also require consent for this vendor id (the merchant's, when Vitrine runs under it). */
  vendorId?: number;
  /** How long to wait for the CMP to load (ms); the SDK stays closed meanwhile. Default 10,000. */
  waitMs?: number;
}

/** Consent options with defaults filled in. */
export interface ResolvedConsentOptions {
  source: ConsentSource;
  categories: { functional?: string[]; personalization?: string[]; measurement?: string[] };
  vendorId: number | undefined;
  waitMs: number;
}

/** Options of `createVitrine` and `vitrine('init', …)` (names are a contract: README, "Options"). */
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
  /** Report window in ms, at least one minute. Default: one day. */
  reportWindow?: number;
  /**
   * Local noise on every counter of a report (two-sided geometric, ε per counter), for
   * deployments that want each report deniable. Default: none.
   */
  reportNoise?: { epsilon: number };
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
  consent: ResolvedConsentOptions;
  reportWindow: number;
  reportNoise: { epsilon: number } | undefined;
  retention: { maxSignals: number; maxAgeDays: number };
  cartTtlDays: number;
  engine: EngineMode;
  trackBatchSize: number;
  callTimeoutMs: number;
  storageTimeoutMs: number;
  /** The options that were not known (a typo), each with the closest known name: told on the console and in `state().notes`. */
  warnings: string[];
}

/** Defaults of the options the page reads too (src/options.ts); the README's options table says the same. */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;
export const DEFAULT_TRACK_BATCH_SIZE = 64;
/** How long `consent: { source }` waits for a CMP to appear. */
export const DEFAULT_CONSENT_WAIT_MS = 10_000;
const DEFAULT_RETENTION = { maxSignals: 1000, maxAgeDays: 30 } as const;

/** The options that protect the shopper: a typo that may have meant one of them is refused, not warned of. */
const PROTECTIVE_OPTIONS: readonly string[] = ['consent', 'retention', 'reportNoise', 'cartTtlDays'];

/**
 * Validates the options and fills in defaults. The engine does this at its ready handshake,
 * so the page bundle carries none of it; `createVitrine` rejects with the message.
 * @param input the untrusted options
 * @returns the resolved options
 * @throws VitrineError `invalid-options`, naming the option at fault
 */
export function resolveOptions(input: unknown): ResolvedOptions {
  const warnings: string[] = [];
  // A typo in an option warns, naming the closest known one, and the rest runs; unless it may
  // have meant an option that protects the shopper (or sits inside one): nothing runs on a guess.
  const r = Reader.of(input, 'options', 'invalid-options', (message, near) => !PROTECTIVE_OPTIONS.includes(near!) && warnings.push(message) > 0);
  const siteId = r.raw('siteId') as string;
  if (typeof siteId !== 'string' || !SITE_ID.test(siteId)) r.fail('siteId', `a string of ${SITE_ID_TEXT}`);
  const catalogKey = r.raw('catalogKey') as string | JsonWebKey | undefined;
  if (catalogKey !== undefined && typeof catalogKey !== 'string' && !isPlainObject(catalogKey)) {
    r.fail('catalogKey', 'a JWK object or a base64 SPKI string');
  }
  const engine = r.oneOf<EngineMode>('engine', ['auto', 'worker', 'inline'], 'auto');
  const consent: ResolvedConsentOptions = r.optObject('consent', (c) => {
    const source = c.oneOf('source', CONSENT_SOURCES, 'manual');
    const categories =
      c.optObject('categories', (k) => {
        const out: ResolvedConsentOptions['categories'] = {};
        for (const purpose of PURPOSE_NAMES) {
          const v = k.raw(purpose);
          if (v === undefined) continue;
          const names = typeof v === 'string' ? [v] : v;
          if (!Array.isArray(names) || !names.length || names.some((n) => typeof n !== 'string' || !n)) k.fail(purpose, 'a name or a list of names');
          out[purpose] = names as string[];
        }
        return out;
      }) ?? {};
    return { source, categories, vendorId: c.optInteger('vendorId', 1, 1e6), waitMs: c.optInteger('waitMs', 0, 120_000) ?? DEFAULT_CONSENT_WAIT_MS };
  }) ?? { source: 'manual', categories: {}, vendorId: undefined, waitMs: DEFAULT_CONSENT_WAIT_MS };
  const retention = r.optObject('retention', (t) => ({
    maxSignals: t.optInteger('maxSignals', 1, 100_000) ?? DEFAULT_RETENTION.maxSignals,
    maxAgeDays: t.optInteger('maxAgeDays', 1, 3650) ?? DEFAULT_RETENTION.maxAgeDays,
  })) ?? { ...DEFAULT_RETENTION };
  const out: ResolvedOptions = {
    siteId,
    workerUrl: r.optString('workerUrl', 2000),
    catalogUrl: r.optString('catalogUrl', 2000),
    catalogKey,
    collectorUrl: r.optString('collectorUrl', 2000),
    consent,
    reportWindow: r.optInteger('reportWindow', REPORT_WINDOW_MS.min, REPORT_WINDOW_MS.max) ?? REPORT_WINDOW_MS.default,
    reportNoise: r.optObject('reportNoise', (n) => ({ epsilon: n.number('epsilon', 0.01, 20) })),
    retention,
    cartTtlDays: r.optInteger('cartTtlDays', 1, 365) ?? 30,
    engine,
    trackBatchSize: r.optInteger('trackBatchSize', 1, 1000) ?? DEFAULT_TRACK_BATCH_SIZE,
    callTimeoutMs: r.optInteger('callTimeoutMs', 100, 120_000) ?? DEFAULT_CALL_TIMEOUT_MS,
    storageTimeoutMs: r.optInteger('storageTimeoutMs', 50, MINUTE_MS) ?? 3_000,
    warnings,
  };
  r.done();
  return out;
}
