/** The shop's products (a real shop reads them from its backend). */
export interface Product {
  sku: string;
  name: string;
  price: number;
  category: 'coffee' | 'tea';
}

export const PRODUCTS: Product[] = [
  { sku: 'CF-1', name: 'Ethiopian Yirgacheffe, 250 g', price: 12, category: 'coffee' },
  { sku: 'CF-2', name: 'Colombian Huila, 250 g', price: 11, category: 'coffee' },
  { sku: 'TE-1', name: 'Sencha Fukamushi, 100 g', price: 9, category: 'tea' },
  { sku: 'GR-1', name: 'Burr grinder', price: 89, category: 'coffee' },
  { sku: 'KT-1', name: 'Temperature kettle', price: 59, category: 'tea' },
];

export const productOf = (sku: string): Product | undefined => PRODUCTS.find((p) => p.sku === sku);
