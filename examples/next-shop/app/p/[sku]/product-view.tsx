'use client';
import { useEffect, type ReactNode } from 'react';
import { useVitrine } from 'vitrine/react';
import type { Product } from '../../products';

/** Tells Vitrine what the shopper looks at (kept on the device, with personalization consent only). */
export function ProductView({ product }: { product: Product }): ReactNode {
  const vitrine = useVitrine();
  useEffect(() => {
    vitrine?.track('product_view', { sku: product.sku, category: product.category, price: product.price });
  }, [vitrine, product]);
  return null;
}
