'use client';
import type { ReactNode } from 'react';
import { useCart } from 'vitrine/react';
import type { Product } from './products';

/** "Add to cart", and what the cart holds: the cart lives on the shopper's device (with functional consent, across visits). */
export function CartButton({ product }: { product: Product }): ReactNode {
  const { cart, actions } = useCart();
  const count = cart?.items.reduce((sum, item) => sum + item.qty, 0) ?? 0;
  return (
    <p>
      <button type="button" disabled={!actions} onClick={() => void actions?.add({ sku: product.sku, qty: 1, price: product.price, name: product.name, category: product.category })}>
        Add to cart
      </button>
      {/* Spaced by a margin, not a space: a space before an empty span collapses, and shifts once the count shows. */}
      <span id="cart-count" aria-live="polite" style={{ marginLeft: '0.5em' }}>
        {cart ? `${count} in your cart` : ''}
      </span>
    </p>
  );
}
