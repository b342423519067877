import type { Cart, CartItem, CartOp, CurrentOffer, RevalidateResult } from './protocol/cart';
import { VitrineError } from './protocol/errors';
import { createEmitter, type ErrorSink } from './emitter';
import type { EngineClient } from './engine';
import type { HandoffModule } from './handoff/module';
import type { PermalinkOptions } from './handoff/permalink';
import type { QrModule } from './handoff/qr';

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
  /**
   * A link that takes this cart to another device or the shop's app, with no server copy: the
   * lines encrypted (AES-GCM, a fresh key) in the link's `#fragment` with the key, which browsers
   * never send to a server. The page it opens asks the shopper before adding anything.
   * @param options `url`: the page the link opens (default this one); `ttlMs`: how long it opens (default a day, at most 30 days)
   * @returns the link, when it stops opening, and ways to pass it on
   * @throws VitrineError `invalid-handoff` for an empty cart or a bad `ttlMs`
   * @example
   * const { link } = await v.cart.handoff({ url: 'https://shop.example/cart' })
   */
  handoff(options?: { url?: string; ttlMs?: number }): Promise<HandoffLink>;
  /**
   * A link the shop's platform understands, which fills its cart with these lines: a Shopify
   * cart permalink, or a template for another platform. It names the products in clear.
   * @example
   * await v.cart.permalink({ platform: 'shopify', variantId: (item) => variantIds[item.sku] }) // https://shop.example/cart/4011:2,4012:1
   */
  permalink(options: PermalinkOptions): Promise<string>;
}

/** A cart handoff link (`v.cart.handoff()`), and the ways to pass it on. */
export interface HandoffLink {
  link: string;
  /** When it stops opening, ms since the epoch. */
  expiresAt: number;
  /** Shares it: the system's share sheet where the browser has one (call it from a click), else the clipboard. */
  share(title?: string): Promise<'shared' | 'copied' | 'cancelled'>;
  /** Its QR code as SVG, the smallest version that holds it (the QR chunk, loaded on first use). */
  qr(label?: string): Promise<{ svg: SVGSVGElement; version: number }>;
}

/** The chunks the cart loads when asked: the handoff links', and their QR codes'. */
export interface CartChunks {
  handoff(): Promise<HandoffModule>;
  qr(): Promise<QrModule>;
}

/** The cart facade plus the hook the SDK uses to feed it changes from the engine. */
export interface CartFacade extends CartApi {
  changed(cart: Cart, cause: 'local' | 'remote' | 'restore'): void;
  /** Applies a change the SDK makes itself (a handoff link's lines), as the methods do. */
  apply(op: CartOp): Promise<Cart>;
}

/**
 * @param engine the engine client
 * @param sink where listener errors go
 * @param chunks loads the chunks of handoff links and QR codes
 */
export function createCart(engine: EngineClient, sink: ErrorSink, chunks: CartChunks): CartFacade {
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
    apply,
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
    async handoff({ url = location.href.split('#')[0]!, ttlMs } = {}) {
      const { createHandoffLink, shareLink } = await chunks.handoff();
      const { link, handoff } = await createHandoffLink((await engine.call('getCart')).items, url, ttlMs === undefined ? {} : { ttlMs });
      return {
        link,
        expiresAt: handoff.expiresAt,
        share: (title = 'My cart') => shareLink(link, title),
        qr: async (label = 'QR code of the link to your cart') => (await chunks.qr()).qrCode(document, link, label),
      };
    },
    async permalink(options) {
      const { cartPermalink } = await chunks.handoff();
      return cartPermalink((await engine.call('getCart')).items, options);
    },
    async revalidate(fetchCurrent) {
      if (typeof fetchCurrent !== 'function') {
        throw new VitrineError('invalid-cart-item', 'cart.revalidate: expected an async function (skus) => { [sku]: { available, price? } }');
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
