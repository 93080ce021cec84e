import { Product } from '../domain/product.js';
import { ProductEntity } from './product.entity.js';

/** A row of catalog.products as pg answers it. */
export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  price_cents: number;
  stock: number;
}

export const ProductMapper = {
  fromRow(row: ProductRow): Product {
    return Product.restore({ id: row.id, sku: row.sku, name: row.name, priceCents: row.price_cents, stock: row.stock });
  },

  toDomain(entity: ProductEntity): Product {
    return Product.restore({ id: entity.id, sku: entity.sku, name: entity.name, priceCents: entity.priceCents, stock: entity.stock });
  },

  toPersistence(product: Product, now: Date): ProductEntity {
    return Object.assign(new ProductEntity(), product.snapshot(), { createdAt: now, updatedAt: now });
  },
};
