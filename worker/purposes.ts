/**
 * What each consent purpose covers on the device (docs/ARCHITECTURE.md, "Consent"), in one
 * place. The guards are also checked inside the storage transactions, against the decision
 * stored there, so a tab still on an older decision cannot write what a newer one forbids.
 */
import { PURPOSE_NAMES, type PurposeName } from '../src/protocol/consent';
import type { KeptData } from '../src/protocol/engine';
import type { Guard } from './storage/store';

/**
 * The purposes that allow each kind of data on the device, any one of them sufficing; none
 * for what the shop needs to work once the shopper has decided (the decision itself, the
 * categories they muted).
 */
export const PURPOSES_OF = {
  consent: [],
  muted: [],
  /** The shop's offer list, kept for the next page when the shopper lets the shop keep anything at all. */
  catalog: PURPOSE_NAMES,
  /** What the shop's other shoppers did, as the collector published it: kept like the catalog. */
  priors: PURPOSE_NAMES,
  cart: ['functional'],
  /** The cart of the tab's visit, in the page's session storage (src/session-cart.ts): what `necessary` allows. */
  visitCart: [],
  /** When the tab last showed a page of the shop (src/visit.ts), so that a cart is greeted back once per visit. */
  visitSeen: ['functional'],
  signals: ['personalization'],
  profile: ['personalization'],
  decisions: ['personalization'],
  /** The page's copy of each slot's last offers (src/last-offers.ts), erased with the decisions. */
  lastOffers: ['personalization'],
  /** Frequency caps (functional) or reports (measurement). */
  exposures: ['functional', 'measurement'],
  /** Variants and exploration (personalization) or experiment arms (measurement). */
  seed: ['personalization', 'measurement'],
  outbox: ['measurement'],
  reportDomains: ['measurement'],
} as const satisfies Record<KeptData['data'], readonly PurposeName[]>;

/**
 * The guard of one kind of data: true when a consent decision allows keeping it.
 * @param data the kind of data, as {@link PURPOSES_OF} names it
 */
export const allowedFor =
  (data: keyof typeof PURPOSES_OF): Guard =>
  (c) =>
    !!c && PURPOSES_OF[data].some((p: PurposeName) => c.purposes[p]);

/**
 * What `necessary` keeps, written whatever the decision: the decision itself and the
 * categories the shopper muted. Erasures use it too: they keep nothing.
 */
export const keptAnyway: Guard = () => true;

/** Keeping the catalog needs any purpose but `necessary`: after "Reject all" only the decision is stored. */
export const mayKeepCatalog = allowedFor('catalog');
/** Keeping the cart across sessions needs `functional`. */
export const mayKeepCart = allowedFor('cart');
/** Signals, the profile and cached decisions need `personalization`. */
export const mayKeepSignals = allowedFor('signals');
/** The last decision per slot needs `personalization`. */
export const mayKeepDecisions = allowedFor('decisions');
/** Exposures need `functional` (frequency caps) or `measurement` (reports). */
export const mayKeepExposures = allowedFor('exposures');
/** The device seed needs `personalization` (variants, exploration) or `measurement` (experiment arms). */
export const mayKeepSeed = allowedFor('seed');
/** The outbox and the report domains of earlier catalogs need `measurement`. */
export const mayReport = allowedFor('outbox');
