/** The purposes a shopper can grant (README, "`v.consent`"; docs/ARCHITECTURE.md, "Consent"). `necessary` is always on. */
export interface Purposes {
  necessary: true;
  functional: boolean;
  personalization: boolean;
  measurement: boolean;
}

/** The names of the purposes a shopper can change, in display order. */
export const PURPOSE_NAMES = ['functional', 'personalization', 'measurement'] as const;
/** The purposes a shopper or banner can change. */
export type PurposeName = (typeof PURPOSE_NAMES)[number];

/** The effective consent state. */
export interface ConsentState {
  /** False until the shopper (or the banner for them) has decided. */
  decided: boolean;
  purposes: Purposes;
  /** Where the decision came from: `default`, `manual`, `stored`, or an adapter's name. */
  source: string;
  /** When it was decided (ms since the epoch), or null before any decision. */
  updatedAt: number | null;
  /**
   * True when the shopper made this decision by acting (a click in the banner, `consent.set`),
   * not a default or a stored state loaded by a CMP. Global Privacy Control yields only to these.
   */
  explicit?: boolean;
  /** True when the browser sent Global Privacy Control (`navigator.globalPrivacyControl`). */
  gpc?: boolean;
}

/**
 * The state before any decision: only `necessary`, memory-only, nothing sent.
 * @returns a fresh undecided state
 */
export function undecided(): ConsentState {
  return {
    decided: false,
    purposes: { necessary: true, functional: false, personalization: false, measurement: false },
    source: 'default',
    updatedAt: null,
  };
}

/**
 * The purposes `next` takes away from `prev`.
 * @returns the withdrawn purpose names
 */
export function withdrawn(prev: ConsentState, next: ConsentState): PurposeName[] {
  return PURPOSE_NAMES.filter((p) => prev.purposes[p] && !next.purposes[p]);
}
