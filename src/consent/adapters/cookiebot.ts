import { namesFor, signalOf, whenAvailable, type ConsentAdapter } from '../signal';

const DEFAULTS = { functional: ['preferences'], personalization: ['marketing'], measurement: ['statistics'] };
const EVENTS = ['CookiebotOnConsentReady', 'CookiebotOnAccept', 'CookiebotOnDecline'];

/**
 * Cookiebot: `Cookiebot.consent` (`preferences`, `statistics`, `marketing`), once the
 * shopper has answered (`hasResponse`), on load and at each consent event.
 */
export const cookiebot: ConsentAdapter = ({ window: w, options, onSignal }) => {
  const names = namesFor(options, DEFAULTS);
  const read = () => {
    const cb = w.Cookiebot;
    if (!cb?.consent || !(cb.hasResponse || cb.consented || cb.declined)) return;
    // `changed` is true only when the shopper changed their consent on this page view.
    onSignal(signalOf((name) => cb.consent[name] === true, names, cb.changed === true && cb.consent.method === 'explicit'));
  };
  const onEvent = () => {
    cancel();
    read();
  };
  for (const e of EVENTS) w.addEventListener(e, onEvent);
  const cancel = whenAvailable(() => w.Cookiebot?.consent && w.Cookiebot.hasResponse, read, options.waitMs);
  return () => {
    cancel();
    for (const e of EVENTS) w.removeEventListener(e, onEvent);
  };
};
