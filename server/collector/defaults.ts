/** What the collector does when not told otherwise: k, and reports per client per minute (VITRINE_K, VITRINE_RATE_PER_MINUTE). */
export const COLLECTOR_DEFAULTS = { k: 20, perMinute: 120 } as const;
