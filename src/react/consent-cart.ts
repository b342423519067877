import { useEffect, useState } from 'react';
import type { Cart, CartApi, ConsentApi, ConsentState } from 'vitrine';
import { useVitrine } from './provider';

/** What {@link useConsent} returns: the shopper's consent (null until the SDK runs) and how to record a decision. */
export interface ConsentHook {
  consent: ConsentState | null;
  set: ConsentApi['set'] | undefined;
}

/**
 * The shopper's consent, kept current (this tab, other tabs, the CMP).
 * @example const { consent, set } = useConsent(); set?.({ personalization: true })
 */
export function useConsent(): ConsentHook {
  const vitrine = useVitrine();
  const [consent, setConsent] = useState<ConsentState | null>(null);
  useEffect(() => {
    if (!vitrine) return setConsent(null);
    setConsent(vitrine.consent.get());
    return vitrine.consent.on('change', setConsent);
  }, [vitrine]);
  return { consent, set: vitrine?.consent.set };
}

/** What {@link useCart} returns: the cart (null until the SDK has read it) and the SDK's cart calls. */
export interface CartHook {
  cart: Cart | null;
  /** `add`, `update`, `remove`, `clear`… (README, "Cart"); undefined until the SDK runs. */
  actions: CartApi | undefined;
}

/**
 * The shopper's cart, kept current (this tab, other tabs, a restore).
 * @example const { cart, actions } = useCart(); actions?.add({ sku: 'CF-100', qty: 1, price: 12 })
 */
export function useCart(): CartHook {
  const vitrine = useVitrine();
  const [cart, setCart] = useState<Cart | null>(null);
  useEffect(() => {
    if (!vitrine) return setCart(null);
    let live = true;
    vitrine.cart.get().then(
      (c) => live && setCart(c),
      () => undefined,
    );
    const off = vitrine.cart.on('change', setCart);
    return () => {
      live = false;
      off();
    };
  }, [vitrine]);
  return { cart, actions: vitrine?.cart };
}
