import { Reader, readArray } from './validate';
import { VitrineError } from './errors';
import { SITE_ID, SITE_ID_TEXT, readId } from './ids';
import { CATALOG_LIMITS } from './catalog';
import { DAY_MS, MINUTE_MS } from './time';

/**
 * Priors v1 (a contract: README, "Offers that learn"): what the collector learned from its
 * counters about each (offer, content variant) of a site's current catalog, as Beta
 * parameters of the click-through rate and of the conversion rate per impression. Devices
 * combine it with what only they know and draw their decisions locally. It carries no count
 * that a device did not already publish in a k-anonymous total.
 */

/**
 * Where a published prior comes from: `own`, the arm's own counters; `offer` or `slot`, its
 * parent's mean, because the arm's own evidence is below the minimum or below k; `none`, no
 * level has enough yet (the uniform Beta(1, 1), which devices do not learn from).
 */
export const PRIOR_BASES = ['own', 'offer', 'slot', 'none'] as const;
/** Where a published prior comes from (see {@link PRIOR_BASES}). */
export type PriorBasis = (typeof PRIOR_BASES)[number];

/** A Beta distribution of a rate, and where it comes from. */
export interface BetaPrior {
  alpha: number;
  beta: number;
  basis: PriorBasis;
}

/** The learned belief about one (offer, variant). */
export interface ArmPrior {
  offer: string;
  variant: string;
  /** Clicks per impression. */
  ctr: BetaPrior;
  /** Conversions per impression, from windows whose attribution window has passed. */
  cvr: BetaPrior;
}

/** How the priors were computed, so a reader of the document knows what it may and may not say. */
export interface PriorsMethod {
  /** The length of an update period: windows are weighted per period against drift. */
  periodMs: number;
  /** Old periods count half as much after this many days; 0: no discount. */
  halfLifeDays: number;
  /** Impressions an arm needs before its prior moves from its parent's. */
  minImpressions: number;
  /** Reports an arm needs before its own prior is released (the collector's k). */
  k: number;
  /** The least share of impressions a device's draws leave to every content variant. */
  floor: number;
}

/** A validated priors document. */
export interface Priors {
  v: 1;
  site: string;
  /** The catalog version the priors apply to: a device uses them with that version only. */
  catalog: string;
  /** The priors' own version: draws are sticky per device and per priors version. */
  version: string;
  /** When they were computed (ms since the epoch; ISO 8601 in the document). */
  computedAt: number;
  /** After this a device stops using them (ms since the epoch; ISO 8601 in the document). */
  validUntil: number;
  method: PriorsMethod;
  /** One entry per (offer, variant) of the catalog that the collector has a belief about, in catalog order. */
  priors: ArmPrior[];
}

/** The signed form devices fetch: the priors document's JSON text and an ECDSA P-256 / SHA-256 signature over its UTF-8 bytes. */
export interface SignedPriors {
  signed: string;
  /** Base64 of the raw (IEEE P1363, r ‖ s) signature. */
  signature: string;
}

/** The largest Beta parameter a document may hold: far above any shop's counts, and small enough to sample without overflow. */
const MAX_PARAM = 1e12;

function beta(r: Reader, field: string): BetaPrior {
  return (
    r.optObject(field, (b) => {
      const alpha = b.number('alpha', 0, MAX_PARAM);
      const beta = b.number('beta', 0, MAX_PARAM);
      if (alpha === 0) b.fail('alpha', 'a number above 0');
      if (beta === 0) b.fail('beta', 'a number above 0');
      return { alpha, beta, basis: b.oneOf('basis', PRIOR_BASES) };
    }) ?? r.fail(field, 'an object { alpha, beta, basis }')
  );
}

function time(r: Reader, field: string): number {
  const v = r.raw(field);
  const t = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(t)) r.fail(field, 'an ISO 8601 date-time such as "2026-12-06T10:00:00.000Z"');
  return t;
}

function readPrior(value: unknown, path: string): ArmPrior {
  const r = Reader.of(value, path, 'priors-invalid');
  const prior: ArmPrior = { offer: readId(r, 'offer'), variant: readId(r, 'variant'), ctr: beta(r, 'ctr'), cvr: beta(r, 'cvr') };
  r.done();
  return prior;
}

/**
 * Validates a Priors v1 document. Unknown fields are refused.
 * @param value the parsed JSON
 * @returns the priors
 * @throws VitrineError `priors-invalid` naming the path of the first problem
 */
export function validatePriors(value: unknown): Priors {
  const r = Reader.of(value, '', 'priors-invalid');
  if (r.raw('v') !== 1) r.fail('v', '1');
  const site = r.string('site', 64);
  if (!SITE_ID.test(site)) r.fail('site', `a site id of ${SITE_ID_TEXT}`);
  const catalog = r.string('catalog', 100);
  const version = r.string('version', 100);
  const computedAt = time(r, 'computedAt');
  const validUntil = time(r, 'validUntil');
  if (validUntil <= computedAt) r.fail('validUntil', 'a date-time after computedAt');
  const method =
    r.optObject('method', (m) => ({
      periodMs: m.integer('periodMs', MINUTE_MS, 366 * DAY_MS),
      halfLifeDays: m.number('halfLifeDays', 0, 3650),
      minImpressions: m.integer('minImpressions', 0, 1e9),
      k: m.integer('k', 1, 1e9),
      floor: m.number('floor', 0, 0.5),
    })) ?? r.fail('method', 'an object');
  const max = CATALOG_LIMITS.offers * (CATALOG_LIMITS.variants + 1);
  const priors = readArray(r, 'priors', max, readPrior)!;
  r.done();
  const seen = new Set<string>();
  priors.forEach((p, i) => {
    const key = `${p.offer}\u0000${p.variant}`;
    if (seen.has(key)) throw new VitrineError('priors-invalid', `priors[${i}]: expected one entry per (offer, variant); ${p.offer}/${p.variant} is there twice`);
    seen.add(key);
  });
  return { v: 1, site, catalog, version, computedAt, validUntil, method, priors };
}

/**
 * The JSON form of a priors document, with ISO 8601 times, as the collector signs it.
 * @param priors the priors
 */
export function priorsJson(priors: Priors): string {
  return JSON.stringify({ ...priors, computedAt: new Date(priors.computedAt).toISOString(), validUntil: new Date(priors.validUntil).toISOString() });
}
