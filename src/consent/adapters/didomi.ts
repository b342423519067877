import { namesFor, signalOf, type ConsentAdapter } from '../signal';

const DEFAULTS = {
  functional: ['cookies'],
  // Storing anything needs purpose 1 (`cookies`) too.
  personalization: ['cookies', 'create_content_profile', 'select_personalized_content'],
  measurement: ['cookies', 'measure_content_performance'],
};

/**
 * Didomi: through its own queues (`didomiOnReady`, `didomiEventListeners`), reads
 * `getCurrentUserStatus()` once the shopper's status is collected, and again at each
 * `consent.changed`. Purpose ids are configurable.
 */
export const didomi: ConsentAdapter = ({ window: w, options, onSignal }) => {
  const names = namesFor(options, DEFAULTS);
  let stopped = false;
  // biome-ignore lint/suspicious/noExplicitAny: Didomi's global, of no published type; every member is checked before use.
  const read = (D: any, explicit: boolean) => {
    if (stopped || !D) return;
    if (D.shouldUserStatusBeCollected?.() === true) return;
    const status = D.getCurrentUserStatus?.();
    const purposes = status?.purposes ?? {};
    onSignal(signalOf((id) => purposes[id]?.enabled === true, names, explicit));
  };
  (w.didomiOnReady ??= []).push((D: unknown) => read(D, false));
  (w.didomiEventListeners ??= []).push({ event: 'consent.changed', listener: () => read(w.Didomi, true) });
  return () => {
    stopped = true;
  };
};
