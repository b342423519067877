import type { OfferContent } from './catalog';
import { Reader } from './validate';

/** The arms of a catalog's personalization holdout (Catalog v1's `experiments[].arms[].id`). */
export const HOLDOUT_ARMS = ['personalized', 'baseline'] as const;
/** Which ranking produced an offer: an arm of the holdout, or `contextual` without personalization. */
export const ARMS = [...HOLDOUT_ARMS, 'contextual'] as const;
export type Arm = (typeof ARMS)[number];

/** What happened to an offer. */
export type ExposureKind = 'impression' | 'click' | 'dismiss' | 'conversion';

/** One ranked offer, as `decide()` returns it. */
export interface Decision {
  id: string;
  slot: string;
  /** `default` for the base content, else the variant's id. */
  variant: string;
  content: OfferContent;
  score: number;
  /** Short sentences built from what actually moved the score. */
  reasons: string[];
  arm: Arm;
  /** Shown to help the shopper discover something the profile would not pick. */
  explored: boolean;
}

/** The most slots whose last offers the page keeps (src/last-offers.ts): a shop's pages have a handful; the oldest goes first. */
export const LAST_OFFERS_MAX_SLOTS = 20;

/** The most bytes (UTF-8, of its JSON) the page's copy of the last offers takes; the oldest slots go first. */
export const LAST_OFFERS_MAX_BYTES = 32_768;

/** What the page knows about where the shopper is. */
export interface DecideContext {
  /** The category of the page (a category page, or the product's). */
  category?: string;
  /** The product on the page. */
  sku?: string;
}

/** Options of `decide()`. */
export interface DecideOptions {
  /** How many offers, 1 to 20. Default 3. */
  limit?: number;
  context?: DecideContext;
}

/** An interest the profile holds, as the shopper sees and edits it. */
export interface Interest {
  category: string;
  label: string;
  /** 0 to 1. */
  strength: number;
  source: 'browsing' | 'stated' | 'muted';
}

/** An impression, click or dismissal the page passes to the engine (render does it for you). */
export interface ExposureInput {
  offer: string;
  variant: string;
  arm: Arm;
  slot: string;
  kind: 'impression' | 'click' | 'dismiss';
}

/**
 * Validates decide()'s slot and options where they reach the engine.
 * @returns the slot, limit and context
 */
export function validateDecide(slot: unknown, options: unknown): { slot: string; limit: number; context: DecideContext } {
  const r = Reader.of({ slot, ...(options as object | undefined) }, 'decide', 'invalid-payload');
  const out = { slot: r.string('slot', 100), limit: r.optInteger('limit', 1, 20) ?? 3, context: {} as DecideContext };
  const context = r.optObject('context', (c) => ({ category: c.optString('category', 100), sku: c.optString('sku', 200) }));
  r.done();
  if (context?.category) out.context.category = context.category;
  if (context?.sku) out.context.sku = context.sku;
  return out;
}

/**
 * Validates an exposure as it reaches the engine from the page.
 * @returns the exposure
 */
export function validateExposure(value: unknown): ExposureInput {
  const r = Reader.of(value, 'exposure', 'invalid-payload');
  const kind = r.oneOf('kind', ['impression', 'click', 'dismiss'] as const);
  const arm = r.oneOf<Arm>('arm', ARMS);
  const out = { offer: r.string('offer', 100), variant: r.string('variant', 100), slot: r.string('slot', 100), arm, kind };
  r.done();
  return out;
}
