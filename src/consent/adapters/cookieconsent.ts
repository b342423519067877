import { namesFor, signalOf, whenAvailable, type ConsentAdapter, type PageWindow } from '../signal';

const DEFAULTS = { functional: ['functionality'], personalization: ['personalization'], measurement: ['analytics'] };

/** The categories cookieconsent keeps in its cookie, for pages that import it as a module (no global). */
function fromCookie(w: PageWindow, name: string): string[] | undefined {
  const raw = w.document.cookie.split('; ').find((c: string) => c.startsWith(`${name}=`));
  if (!raw) return undefined;
  try {
    const value = JSON.parse(decodeURIComponent(raw.slice(name.length + 1)));
    return Array.isArray(value?.categories) ? value.categories : undefined;
  } catch {
    return undefined;
  }
}

/**
 * orestbida cookieconsent v3: `CookieConsent.acceptedCategory()` when the global is there,
 * else the categories in its `cc_cookie`; again at each `cc:onConsent` and `cc:onChange`.
 * Category names are configurable.
 */
export const cookieconsent: ConsentAdapter = ({ window: w, options, onSignal }) => {
  const names = namesFor(options, DEFAULTS);
  const read = (explicit: boolean, categories?: string[]) => {
    const cc = w.CookieConsent;
    // With the global, only a valid consent counts (an expired or outdated cookie does not).
    if (cc) return cc.validConsent?.() && onSignal(signalOf((c) => cc.acceptedCategory(c) === true, names, explicit));
    const accepted = categories ?? fromCookie(w, 'cc_cookie');
    if (accepted) onSignal(signalOf((c) => accepted.includes(c), names, explicit));
  };
  // cc:onConsent also fires on every load while consent is valid: it is the shopper's act
  // only when there was no consent when the page started; cc:onChange always is.
  const hadConsent = !!(w.CookieConsent?.validConsent?.() || fromCookie(w, 'cc_cookie'));
  const onEvent = (e: Event) => {
    cancel();
    read(e.type === 'cc:onChange' || !hadConsent, (e as CustomEvent).detail?.cookie?.categories);
  };
  w.addEventListener('cc:onConsent', onEvent);
  w.addEventListener('cc:onChange', onEvent);
  const cancel = whenAvailable(
    () => w.CookieConsent?.validConsent?.() || fromCookie(w, 'cc_cookie'),
    () => read(false),
    options.waitMs,
  );
  return () => {
    cancel();
    w.removeEventListener('cc:onConsent', onEvent);
    w.removeEventListener('cc:onChange', onEvent);
  };
};
