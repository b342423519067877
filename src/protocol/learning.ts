import { Reader, isPlainObject } from './validate';
import { ID } from './ids';
import type { Catalog, Offer } from './catalog';

/*
 * Catalog v1's learning section (README, "Offers that learn"): which decisions learn from the
 * collector's priors, and the key that signs them.
 */

/** Which decisions learn from the collector's priors: the offer's rank, the choice of its content variant. */
export interface LearningSwitch {
  offers: boolean;
  variants: boolean;
}

/** A catalog's opt-in to learning from the collector's priors (README, "Offers that learn"). */
export interface CatalogLearning {
  /** The ECDSA P-256 public key (JWK, or base64 SPKI) the priors document must be signed with. */
  priorsKey: string | JsonWebKey;
  /** Where devices fetch the priors, relative to the catalog's URL; null: `priors?site=<siteId>` beside the catalog. */
  priorsUrl: string | null;
  /** The switch of every offer without one of its own or of its slot. Default: both off. */
  offers: boolean;
  variants: boolean;
  /** Per slot, a switch for its offers. */
  slots: Record<string, LearningSwitch>;
}

/** Reads a switch `{ offers, variants }`, each false when left out. */
export function readSwitch(r: Reader): LearningSwitch {
  return { offers: r.optBoolean('offers') ?? false, variants: r.optBoolean('variants') ?? false };
}

/**
 * An ECDSA P-256 public key: base64 SPKI, or a JWK that holds no private part. The rest of a
 * JWK is for WebCrypto to check when the key is imported.
 */
function readPublicKey(r: Reader, field: string): string | JsonWebKey {
  const v = r.raw(field);
  if (typeof v === 'string' ? !/^[\w+/=-]{40,400}$/.test(v) : !isPlainObject(v) || v.kty !== 'EC' || v.crv !== 'P-256' || 'd' in v) {
    r.fail(field, 'an ECDSA P-256 public key: base64 SPKI, or a JWK without "d"');
  }
  return v as string | JsonWebKey;
}

/**
 * Reads a catalog's `learning` section.
 * @param r its reader
 * @param readUrl the catalog's reader of URL fields (http(s) or relative)
 */
export function readLearning(r: Reader, readUrl: (r: Reader, field: string) => string | undefined): CatalogLearning {
  const priorsKey = readPublicKey(r, 'priorsKey');
  const priorsUrl = readUrl(r, 'priorsUrl') ?? null;
  const { offers, variants } = readSwitch(r);
  const slotsIn = r.raw('slots');
  const slots: Record<string, LearningSwitch> = Object.create(null);
  if (slotsIn !== undefined) {
    const s = Reader.of(slotsIn, r.at('slots'), 'catalog-invalid');
    for (const slot of Object.keys(slotsIn as object)) {
      if (!ID.test(slot)) s.fail(slot, 'a slot id as the key');
      slots[slot] = s.optObject(slot, readSwitch)!;
    }
    s.done();
  }
  return { priorsKey, priorsUrl, offers, variants, slots };
}

/**
 * What of an offer learns from the priors: its own switch, else its slot's, else the catalog's.
 * @param catalog a validated catalog
 * @param offer one of its offers
 */
export function learningOf(catalog: Catalog, offer: Offer): LearningSwitch {
  const learning = catalog.learning;
  if (!learning) return { offers: false, variants: false };
  return offer.learning ?? learning.slots[offer.slot] ?? { offers: learning.offers, variants: learning.variants };
}
