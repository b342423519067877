import type { Cart } from './protocol/cart';
import { inStorage, pageKey } from './page-storage';

/*
 * The cart of this tab's visit once the shopper has decided without `functional` consent, as
 * `necessary` allows (before a decision nothing is stored, and the cart is in memory): a copy in
 * sessionStorage, which the browser keeps for the tab's pages and erases when the tab is
 * closed, so that the engine of the visit's next page starts from it. Never in IndexedDB, never
 * in another tab's storage, never reported. With `functional` (and IndexedDB) the engine keeps
 * the cart on the device, and this copy goes.
 */

/** @returns the visit's cart as its last page left it, unchecked (the engine checks it as any change), or null */
export const readVisitCart = (siteId: string): unknown => inStorage('sessionStorage', (s) => JSON.parse(s.getItem(pageKey(siteId, 'cart')) ?? 'null')) ?? null;

/**
 * Keeps the visit's cart after a change, or erases the copy when the cart is empty or has no
 * copy to have: before the shopper decides (nothing is stored then), and with the cart on the device.
 * @param wanted whether the visit's cart is kept here: a decision without `functional` (or without IndexedDB)
 */
export function keepVisitCart(siteId: string, cart: Cart, wanted: boolean): void {
  inStorage('sessionStorage', (s) => (wanted && cart.items.length ? s.setItem(pageKey(siteId, 'cart'), JSON.stringify(cart)) : s.removeItem(pageKey(siteId, 'cart'))));
}
