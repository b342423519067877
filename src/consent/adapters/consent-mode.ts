import { namesFor, signalOf, type ConsentAdapter } from '../signal';

const DEFAULTS = { functional: ['functionality_storage'], personalization: ['personalization_storage'], measurement: ['analytics_storage'] };

type Command = ArrayLike<unknown>;
const isConsent = (e: unknown): e is Command =>
  !!e &&
  typeof e === 'object' &&
  (e as Command)[0] === 'consent' &&
  ((e as Command)[1] === 'default' || (e as Command)[1] === 'update') &&
  !!(e as Command)[2] &&
  typeof (e as Command)[2] === 'object';

/**
 * Google Consent Mode v2: reads the `consent` `default` and `update` commands gtag() puts on
 * `dataLayer`, the last value of each type winning, and watches for new ones. Only once the
 * banner has sent an `update` is there a decision; region-scoped defaults are ignored.
 */
export const consentMode: ConsentAdapter = ({ window: w, options, onSignal }) => {
  const names = namesFor(options, DEFAULTS);
  const state: Record<string, unknown> = {};
  let seen = 0;
  let updated = false;
  const read = () => {
    const layer = w.dataLayer as unknown[] | undefined;
    if (!Array.isArray(layer) || layer.length === seen) return;
    for (const e of layer.slice(seen)) {
      if (!isConsent(e)) continue;
      const values = e[2] as Record<string, unknown>;
      // A default scoped to some regions says nothing certain about this shopper.
      if (e[1] === 'default' && values.region !== undefined) continue;
      Object.assign(state, values);
      if (e[1] === 'update') updated = true;
    }
    seen = layer.length;
    // Defaults are the site's, not the shopper's: only the banner's update is a decision. Updates
    // replayed from the CMP's storage look the same as fresh ones, so none counts as explicit.
    if (updated) onSignal(signalOf((name) => state[name] === 'granted', names, false));
  };
  read();
  // gtag.js and tag managers replace dataLayer.push, so new commands are polled for rather
  // than intercepted; reading a short array twice a second costs nothing.
  const timer = setInterval(read, 500);
  return () => clearInterval(timer);
};
