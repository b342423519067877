/*
 * Catalog v1, the merchant's offers (a contract: README, "Offers: Catalog v1"): its types, the
 * defaults of its optional fields and its bounds. Reading one is ./validate-catalog.ts.
 */
import type { HOLDOUT_ARMS } from './decision';
import type { CatalogLearning, LearningSwitch } from './learning';

export type { CatalogLearning, LearningSwitch } from './learning';

/** What an offer shows. Strings are rendered as text, never as HTML. */
export interface OfferContent {
  title: string;
  body?: string;
  /** http(s) or relative URL. */
  image?: string;
  /** Text alternative of the image; empty when it is decorative. */
  imageAlt?: string;
  cta?: { label: string; href: string };
}

/** A content variant: a weight and the content fields it changes. */
export interface OfferVariant {
  id: string;
  weight: number;
  content: Partial<OfferContent>;
}

/** Who an offer is for. Every field has a default that lets everyone in. */
export interface Eligibility {
  /** `new`: no earlier visit; `returning`: at least one. Default `any`. */
  visitor: 'any' | 'new' | 'returning';
  /** Minimum cart value (same units as prices). Default 0. */
  cartMinValue: number;
  /** The cart must hold something in one of these. Default: no condition. */
  cartCategories: string[];
  /** Replenishment: something in these categories was bought at least `minDaysAgo` days ago. */
  boughtBefore: { categories: string[]; minDaysAgo: number } | null;
  /** ISO date-time window; either end optional. */
  from: number | null;
  until: number | null;
}

/** Weights of the ranking features (documented in README, defined in worker/decide/features.ts). */
export interface FeatureWeights {
  affinity: number;
  recency: number;
  cartMatch: number;
  pageMatch: number;
  priceFit: number;
  /** The balance between the device's relevance score and the draw from the offer's learned prior. */
  learned: number;
}

/** Impression caps per offer (positive integers; left out: no cap, kept as 0) and a quiet period after a dismissal. */
export interface Caps {
  perHour: number;
  perDay: number;
  perWeek: number;
  dismissCooldownHours: number;
}

/** One offer, validated, with every default filled in. */
export interface Offer {
  id: string;
  slot: string;
  categories: string[];
  /** Products the offer promotes: once bought, it stops being shown (replenishment offers excepted). */
  skus: string[];
  /** A typical price of what it promotes, for the `priceFit` feature. */
  price: number | null;
  content: OfferContent;
  /** Always starts with `default` (the base content), then the catalog's variants. */
  variants: OfferVariant[];
  eligibility: Eligibility;
  weights: FeatureWeights;
  caps: Caps;
  /** Ranked on context only, and its reasons never cite browsing history (health, finance, …). */
  sensitive: boolean;
  /** Order of the non-personalized baseline: higher first. */
  priority: number;
  /** What of this offer learns from the priors; null: its slot's or the catalog's switch. */
  learning: LearningSwitch | null;
}

/** The standard experiment: personalized ranking against the baseline. */
export interface Experiment {
  id: string;
  kind: 'personalization-holdout';
  arms: { id: (typeof HOLDOUT_ARMS)[number]; weight: number }[];
}

/** The id of an offer's base content, which its other content variants are compared with. */
export const DEFAULT_VARIANT = 'default';

/** A validated Catalog v1 (a contract: README, "Offers: Catalog v1"). */
export interface Catalog {
  version: string;
  siteId: string;
  settings: { exploration: number; diversity: number; attributionWindowHours: number };
  experiments: Experiment[];
  /** Display names of categories for reasons ("trail running shoes"); ids are shown otherwise. */
  categoryLabels: Record<string, string>;
  /** Null when nothing learns: ranking and variants are the catalog's alone. */
  learning: CatalogLearning | null;
  offers: Offer[];
}

/** Defaults of the optional fields, as documented in the README. */
export const CATALOG_DEFAULTS = {
  settings: { exploration: 0.1, diversity: 0.3, attributionWindowHours: 24 },
  weights: { affinity: 1, recency: 0.5, cartMatch: 1, pageMatch: 1, priceFit: 0.5, learned: 1 },
  caps: { perHour: 0, perDay: 0, perWeek: 0, dismissCooldownHours: 72 },
} as const;

/** Bounds that keep a catalog (and so every report built from it) a reasonable size. */
export const CATALOG_LIMITS = { offers: 20_000, variants: 10, categories: 50, text: 2_000 } as const;

/** The largest absolute feature weight a catalog may set. */
export const MAX_WEIGHT = 1_000;

/**
 * The catalog's personalization holdout, if it has one.
 * @param catalog a validated catalog
 */
export function holdoutOf(catalog: Catalog): Experiment | undefined {
  return catalog.experiments.find((e) => e.kind === 'personalization-holdout');
}
