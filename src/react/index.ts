/**
 * `vitrine/react`: React bindings of the SDK. A provider that starts it in the browser, hooks
 * for offers, consent and the cart, and <OfferSlot>, painted before hydration without flicker.
 * React is a peer dependency; the SDK is this package's own `vitrine`.
 */
export { VitrineProvider, useVitrine, type VitrineProviderProps, type VitrineContextValue } from './provider';
export { useOffers, type OffersState } from './offers';
export { useConsent, useCart, type ConsentHook, type CartHook } from './consent-cart';
export { OfferSlot, type OfferSlotProps } from './offer-slot';
