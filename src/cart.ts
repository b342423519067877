import type { Cart, CartItem, CartOp, CurrentOffer, RevalidateResult } from './protocol/cart';
import { VitrineError } from './protocol/errors';
import { createEmitter, type ErrorSink } from './emitter';
import type { EngineClient } from './engine';

/** The merchant's truth about SKUs: availability and current unit price, keyed by SKU. */
export type FetchCurrent = (skus: string[]) => Promise<Record<string, CurrentOffer | null | undefined>>;

/** `v.cart`: the cart, kept on the device and in sync across tabs. */
export interface CartApi {
  /** @returns the cart */
  get(): Promise<Cart>;
  /** Adds a line, or adds to the quantity of the line with the same SKU. */
  add(item: CartItem): Promise<Cart>;
  /** Sets a line's quantity; 0 removes it. */
  update(sku: string, qty: number): Promise<Cart>;
  remove(sku: string): Promise<Cart>;
  clear(): Promise<Cart>;
  /**
   * `change` fires on every change, from this tab or another. `restore` fires when a cart
   * from an earlier session came back; a listener added after that is called at once.
   * @returns a function that unsubscribes
   */
  on(event: 'change' | 'restore', fn: (cart: Cart) => void): () => void;
  /**
   * Re-prices lines and removes unavailable ones against the merchant's current data.
   * SKUs `fetchCurrent` says nothing about are left as they are and listed as `unchecked`.
   * @example
   * const { repriced, removed } = await v.cart.revalidate(async (skus) => (await fetch('/api/stock?skus=' + skus)).json())
   */
  revalidate(fetchCurrent: FetchCurrent): Promise<RevalidateResult>;
}

/** The cart facade plus the hook the SDK uses to feed it changes from the engine. */
export interface CartFacade extends CartApi {
  changed(cart: Cart, cause: 'local' | 'remote' | 'restore'): void;
}

/**
 * @param engine the engine client
 * @param sink where listener errors go
 */
export function createCart(engine: EngineClient, sink: ErrorSink): CartFacade {
  const events = createEmitter<{ change: Cart; restore: Cart }>(sink);
  let restoredCart: Cart | undefined;

  const changed = (cart: Cart, cause: 'local' | 'remote' | 'restore') => {
    if (cause === 'restore') {
      restoredCart = cart;
      events.emit('restore', cart);
    }
    events.emit('change', cart);
  };
  // The engine validates each change: it is the edge where cart data is kept.
  const apply = async (op: CartOp) => {
    const cart = await engine.call('cart', op);
    changed(cart, 'local');
    return cart;
  };

  return {
    changed,
    get: () => engine.call('getCart'),
    add: (item) => apply({ kind: 'add', item }),
    update: (sku, qty) => apply({ kind: 'update', sku, qty }),
    remove: (sku) => apply({ kind: 'remove', sku }),
    clear: () => apply({ kind: 'clear' }),
    on(event, fn) {
      const off = events.on(event, fn);
      if (event === 'restore' && restoredCart) {
        const cart = restoredCart;
        queueMicrotask(() => fn(cart));
      }
      return off;
    },
    async revalidate(fetchCurrent) {
      if (typeof fetchCurrent !== 'function') {
        throw new VitrineError('invalid-cart-item', 'cart.revalidate: expected a function (skus) => Promise<{ [sku]: { available, price? } }>');
      }
      const now = await engine.call('getCart');
      if (now.items.length === 0) return { cart: now, repriced: [], removed: [], unchecked: [] };
      const { items } = now;
      const current = (await fetchCurrent(items.map((i) => i.sku))) as Record<string, CurrentOffer>;
      const result = await engine.call('revalidateCart', current);
      if (result.repriced.length || result.removed.length) changed(result.cart, 'local');
      return result;
    },
  };
}
