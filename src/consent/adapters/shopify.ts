import { whenAvailable, type ConsentAdapter } from '../signal';

/**
 * Shopify Customer Privacy API: `preferencesProcessingAllowed()` (functional),
 * `marketingAllowed()` (personalization), `analyticsProcessingAllowed()` (measurement),
 * read once the API is loaded and the shopper has answered (or no banner is needed), and at
 * each `visitorConsentCollected` event.
 */
export const shopify: ConsentAdapter = ({ window: w, options, onSignal }) => {
  const read = (explicit: boolean) => {
    const p = w.Shopify?.customerPrivacy;
    if (!p) return;
    const given = p.currentVisitorConsent?.() ?? {};
    const answered = Object.values(given).some((v) => v === 'yes' || v === 'no');
    if (!answered && p.shouldShowBanner?.() !== false) return;
    // An opt-out of the sale of data turns personalization and measurement off, as GPP's does.
    const sale = p.saleOfDataAllowed?.() !== false;
    onSignal({
      functional: p.preferencesProcessingAllowed?.() === true,
      personalization: p.marketingAllowed?.() === true && sale,
      measurement: p.analyticsProcessingAllowed?.() === true && sale,
      explicit,
    });
  };
  const onCollected = () => read(true);
  w.document.addEventListener('visitorConsentCollected', onCollected);
  const cancel = whenAvailable(
    () => w.Shopify?.customerPrivacy,
    () => read(false),
    options.waitMs,
  );
  return () => {
    cancel();
    w.document.removeEventListener('visitorConsentCollected', onCollected);
  };
};
