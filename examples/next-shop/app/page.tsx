import type { ReactNode } from 'react';
import { PRODUCTS } from './products';

export default function Home(): ReactNode {
  return (
    <>
      <h1>Coffee and tea</h1>
      <ul>
        {PRODUCTS.map((p) => (
          <li key={p.sku}>
            <a href={`/p/${p.sku}`}>{p.name}</a> {p.price} €
          </li>
        ))}
      </ul>
    </>
  );
}
