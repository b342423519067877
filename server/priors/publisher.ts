import { priorsJson, validatePriors, type Priors, type PriorsMethod, type SignedPriors } from '../../src/protocol/priors';
import type { CatalogShape, CounterStore, StoredPriors, WindowRow } from '../store';
import type { SigningKey } from '../signing-key';
import { namesKey, signDocument } from '../signing-key';
import { computePriors, PRIORS_DEFAULTS, PRIORS_LOOKBACK_MS, type PriorsCatalog } from './compute';
import { DAY_MS } from '../../src/protocol/time';

/** How the collector publishes priors (README, "Offers that learn"). */
export interface PriorsPublisherOptions {
  store: CounterStore;
  /** The collector's k: what is released needs k reports. */
  k: number;
  /** The key that signs the documents; the catalogs that learn must name its public key. */
  key: SigningKey;
  /** How often a new version is computed (default hourly); versions are aligned on multiples of it since the epoch. */
  everyMs?: number;
  /** Old periods count half as much after this many days; 0: no discount (default 14). */
  halfLifeDays?: number;
  /** The clock. */
  now?: () => number;
  /** Sites it signs priors for; default: every site whose catalog names its key. */
  sites?: string[] | undefined;
}

/** What a request for a site's priors gets: the document, or why there is none. */
export type PriorsAnswer = { ok: true; priors: StoredPriors } | { ok: false; reason: string };

/** Computes, signs, keeps and finds each site's priors. */
export interface PriorsPublisher {
  /**
   * The site's current priors: the newest kept, renewed first when its period is over or its
   * catalog is no longer the site's current one (exactly one collector on the store computes a version).
   * @param force computes a new version whatever the newest is (on demand)
   */
  current(site: string, force?: boolean): Promise<PriorsAnswer>;
  /** The update period. */
  everyMs: number;
}

/** A document stays usable this long after it was computed: a device stops using priors that long without an update. */
export function validityOf(everyMs: number): number {
  return Math.max(4 * everyMs, DAY_MS);
}

/** The offers of a catalog version, in order, from its (offer, variant) cells and the learning section's slots. */
function priorsCatalog(shape: CatalogShape): PriorsCatalog {
  const offers: PriorsCatalog['offers'] = [];
  for (const [offer, variant] of shape.cells) {
    const last = offers[offers.length - 1];
    if (last?.id === offer) last.variants.push(variant);
    else offers.push({ id: offer, slot: shape.learning!.slots[offer] ?? '', variants: [variant] });
  }
  return { site: shape.site, version: shape.version, attributionWindowHours: shape.learning!.attributionWindowHours, offers };
}

/**
 * The collector's priors: computed from the store's counters for the current catalog version
 * of a site, when that catalog learns and names this collector's key, signed, and kept in the
 * store so that every collector on it serves the same document.
 * @example
 * const publisher = createPriorsPublisher({ store, k: 20, key: await readSigningKey(text) });
 * const answer = await publisher.current('demo-shop');
 */
export function createPriorsPublisher(options: PriorsPublisherOptions): PriorsPublisher {
  const { store, k, key } = options;
  const everyMs = options.everyMs ?? PRIORS_DEFAULTS.periodMs;
  const halfLifeDays = options.halfLifeDays ?? PRIORS_DEFAULTS.halfLifeDays;
  const now = options.now ?? Date.now;
  const method = { ...PRIORS_DEFAULTS, periodMs: everyMs, halfLifeDays, k };

  async function make(shape: CatalogShape, windows: (from: number, to: number) => Promise<WindowRow[]>, at: number): Promise<StoredPriors> {
    const document = buildPriors(shape, await windows(at - PRIORS_LOOKBACK_MS, at), at, method);
    return { site: shape.site, version: document.version, catalog: shape.version, computedAt: at, document: await signDocument(key, priorsJson(document)) };
  }

  return {
    everyMs,
    async current(site, force = false) {
      if (options.sites && !options.sites.includes(site))
        return { ok: false, reason: `this collector signs priors for ${options.sites.join(', ')} only (its key is the demo's): set VITRINE_PRIORS_KEY` };
      const shape = await store.currentCatalog(site);
      if (!shape) return { ok: false, reason: `no catalog is registered for ${site}` };
      if (!shape.learning) return { ok: false, reason: `catalog ${shape.version} of ${site} does not learn (it has no "learning" section)` };
      if (!namesKey(key, shape.learning.priorsKey)) {
        return { ok: false, reason: `catalog ${shape.version} of ${site} names another priors key than this collector's (VITRINE_PRIORS_KEY): devices would refuse its priors` };
      }
      const at = now();
      const period = Math.floor(at / everyMs);
      // A collector whose clock runs behind takes a newer period's document as fresh too.
      const fresh = (latest: StoredPriors | undefined) => !force && latest !== undefined && latest.catalog === shape.version && Math.floor(latest.computedAt / everyMs) >= period;
      // Most requests find the period's document made: read without the lock, which only the renewal takes.
      const latest = await store.latestPriors(site);
      if (fresh(latest)) return { ok: true, priors: latest! };
      const priors = await store.renewPriors(site, fresh, (windows) => make(shape, windows, at));
      return priors ? { ok: true, priors } : { ok: false, reason: `no priors for ${site} yet` };
    },
  };
}

/**
 * A priors document (not yet signed) for a catalog version, from its counter rows.
 * @param shape the catalog version, with its learning section
 * @param rows its site's counter rows per window, over the lookback
 * @param at the time of the computation
 * @param method the period, half-life, minimum, k and floor
 */
export function buildPriors(shape: CatalogShape, rows: readonly WindowRow[], at: number, method: PriorsMethod): Priors {
  return {
    v: 1,
    site: shape.site,
    catalog: shape.version,
    version: new Date(at).toISOString(),
    computedAt: at,
    validUntil: at + validityOf(method.periodMs),
    method,
    priors: computePriors(priorsCatalog(shape), rows, at, method),
  };
}

/**
 * The priors document inside a kept envelope (the collector signed it itself: only its content is read).
 * @param stored the kept document
 */
export function readStoredPriors(stored: StoredPriors): Priors {
  return validatePriors(JSON.parse((JSON.parse(stored.document) as SignedPriors).signed));
}
