/**
 * What the collector does when not told otherwise: k, reports per client per minute, and when
 * a batch is committed (VITRINE_K, VITRINE_RATE_PER_MINUTE, VITRINE_FLUSH_REPORTS, VITRINE_FLUSH_MS).
 */
export const COLLECTOR_DEFAULTS = { k: 20, perMinute: 120, flushReports: 512, flushMs: 0 } as const;
