import type { AdapterName } from '../protocol/options';
import { findTcfLocator, type PageWindow } from './signal';

/**
 * The order `consent.source: 'auto'` looks for a CMP in: the IAB frameworks first (a CMP
 * that speaks TCF or GPP is read through them), then the CMPs' own APIs, then Consent Mode.
 */
export const DETECTION_ORDER: readonly [AdapterName, (w: PageWindow) => boolean][] = [
  ['tcf', (w) => typeof w.__tcfapi === 'function' || !!findTcfLocator(w)],
  ['gpp', (w) => typeof w.__gpp === 'function'],
  ['onetrust', (w) => !!w.OneTrust || typeof w.OnetrustActiveGroups === 'string'],
  ['cookiebot', (w) => !!w.Cookiebot],
  ['didomi', (w) => !!w.Didomi || Array.isArray(w.didomiOnReady)],
  ['usercentrics', (w) => !!w.UC_UI || !!w.__ucCmp],
  ['klaro', (w) => !!w.klaro],
  ['cookieconsent', (w) => !!w.CookieConsent || /(?:^|; )cc_cookie=/.test(w.document.cookie)],
  ['shopify', (w) => !!w.Shopify?.customerPrivacy],
  ['consent-mode', (w) => Array.isArray(w.dataLayer) && w.dataLayer.some((e: ArrayLike<unknown> | null) => e?.[0] === 'consent')],
];

/**
 * Finds the CMP on the page, waiting up to `waitMs` for one to load.
 * @returns its source name, or `manual` when none showed up
 */
export function detectCmp(w: PageWindow, waitMs: number): Promise<AdapterName | 'manual'> {
  const find = () => DETECTION_ORDER.find(([, present]) => present(w))?.[0];
  // Consent Mode commands and a cookieconsent cookie can be there before the CMP that owns
  // them has loaded: they win only if nothing ranked above them shows up meanwhile.
  const weak = (s: AdapterName | undefined) => s === 'consent-mode' || (s === 'cookieconsent' && !w.CookieConsent);
  const settle = Math.min(waitMs, WEAK_SETTLE_MS);
  return new Promise((resolve) => {
    const started = Date.now();
    const look = () => {
      const found = find();
      const waited = Date.now() - started;
      if ((found && (!weak(found) || waited >= settle)) || waited >= waitMs) resolve(found ?? 'manual');
      else setTimeout(look, 100);
    };
    look();
  });
}

/** How long a weak match waits for a stronger CMP. */
const WEAK_SETTLE_MS = 2000;
