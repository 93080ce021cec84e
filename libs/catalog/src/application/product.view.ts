import type { Product } from '../domain/product.js';

/** A product as the catalog shows it: `stock` is the units available to order. */
export interface ProductView {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
}

export function toProductView(product: Product): ProductView {
  const { id, sku, name, priceCents, stock } = product.snapshot();
  return { id, sku, name, priceCents, stock };
}
