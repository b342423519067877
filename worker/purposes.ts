/**
 * What each consent purpose covers on the device (docs/ARCHITECTURE.md, "Consent"), in one
 * place. The guards are also checked inside the storage transactions, against the decision
 * stored there, so a tab still on an older decision cannot write what a newer one forbids.
 */
import type { Guard } from './storage/store';

/** Keeping the cart across sessions needs `functional`. */
export const mayKeepCart: Guard = (c) => !!c?.purposes.functional;
/** Signals, the profile and cached decisions need `personalization`. */
export const mayKeepSignals: Guard = (c) => !!c?.purposes.personalization;
/** Exposures need `functional` (frequency caps) or `measurement` (reports). */
export const mayKeepExposures: Guard = (c) => !!c && (c.purposes.functional || c.purposes.measurement);
/** The device seed needs `personalization` (variants, exploration) or `measurement` (experiment arms). */
export const mayKeepSeed: Guard = (c) => !!c && (c.purposes.personalization || c.purposes.measurement);
/** The outbox and the report domains of earlier catalogs need `measurement`. */
export const mayReport: Guard = (c) => !!c?.purposes.measurement;
