/*
 * Entry of dist/vitrine-prepaint.js, a classic script pasted inline right after a slot's element
 * in server-rendered HTML (vitrine/react's <OfferSlot> does it): it paints the slot's last
 * offers from the page's copy (src/last-offers.ts) before the SDK has even loaded, with the
 * renderer the SDK uses, so the SDK's own first paint changes nothing the shopper sees. The copy
 * exists only under personalization consent and is erased with the engine's decisions, so this
 * paints nothing another consent would not. It records nothing, keeps nothing and asks the engine
 * nothing: the SDK's render does, once it runs. Its settings are the script element's data
 * attributes: data-site, data-slot, data-limit, data-heading-level, data-label.
 */
import { renderSlot } from './render';

const script = document.currentScript as HTMLScriptElement | null;
const target = script?.previousElementSibling;
const { site, slot, limit, headingLevel, label } = script?.dataset ?? {};
if (target && site && slot) {
  void renderSlot({ siteId: site, personalized: () => false, decide: () => new Promise(() => undefined), cached: async () => null, record: async () => undefined }, slot, target, {
    limit: Number(limit) || 3,
    headingLevel: (Number(headingLevel) || 3) as 3,
    ...(label ? { label } : {}),
  }).catch(() => undefined);
}
