import type { ReactNode } from 'react';
import { notFound } from 'next/navigation';
import { OfferSlot } from 'vitrine/react';
import { CartButton } from '../../cart-button';
import { PRODUCTS, productOf } from '../../products';
import { ProductView } from './product-view';

export const generateStaticParams = () => PRODUCTS.map((p) => ({ sku: p.sku }));

export default async function ProductPage({ params }: { params: Promise<{ sku: string }> }): Promise<ReactNode> {
  const product = productOf((await params).sku);
  if (!product) notFound();
  return (
    <article>
      <h1>{product.name}</h1>
      <p>{product.price} €</p>
      <CartButton product={product} />
      <ProductView product={product} />
      <h2>You may also like</h2>
      {/* A fixed height that fits two offers: painting them shifts nothing below. */}
      <OfferSlot slot="product" height={420} limit={2} headingLevel={3} context={{ category: product.category }} />
      <p id="below-offers">Free delivery from 30 €.</p>
    </article>
  );
}
