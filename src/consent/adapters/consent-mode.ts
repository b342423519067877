import { namesFor, signalOf, type ConsentAdapter } from '../signal';

const DEFAULTS = { functional: ['functionality_storage'], personalization: ['personalization_storage'], measurement: ['analytics_storage'] };

type Command = ArrayLike<unknown>;
const isConsent = (e: unknown): e is Command =>
  !!e && typeof e === 'object' && (e as Command)[0] === 'consent' &&
  ((e as Command)[1] === 'default' || (e as Command)[1] === 'update') && !!(e as Command)[2] && typeof (e as Command)[2] === 'object';

/**
 * Google Consent Mode v2: reads the `consent` `default` and `update` commands gtag() puts on
 * `dataLayer`, the last value of each type winning, and watches for new ones. `update`
 * commands come from the banner, so they count as the shopper's own decision.
 */
export const consentMode: ConsentAdapter = ({ window: w, options, report }) => {
  const names = namesFor(options, DEFAULTS);
  const state: Record<string, unknown> = {};
  let seen = 0;
  const read = () => {
    const layer = w.dataLayer as unknown[] | undefined;
    if (!Array.isArray(layer) || layer.length === seen) return;
    let explicit = false;
    let found = false;
    for (const e of layer.slice(seen)) {
      if (!isConsent(e)) continue;
      Object.assign(state, e[2]);
      explicit = e[1] === 'update';
      found = true;
    }
    seen = layer.length;
    if (found) report(signalOf((name) => state[name] === 'granted', names, explicit));
  };
  read();
  // gtag.js and tag managers replace dataLayer.push, so new commands are polled for rather
  // than intercepted; reading a short array twice a second costs nothing.
  const timer = setInterval(read, 500);
  return () => clearInterval(timer);
};
