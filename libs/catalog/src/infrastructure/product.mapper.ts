import { Product } from '../domain/product.js';
import { ProductEntity } from './product.entity.js';

export const ProductMapper = {
  toDomain(entity: ProductEntity): Product {
    return Product.restore({ id: entity.id, sku: entity.sku, name: entity.name, priceCents: entity.priceCents, stock: entity.stock });
  },

  toPersistence(product: Product, now: Date): ProductEntity {
    return Object.assign(new ProductEntity(), product.snapshot(), { createdAt: now, updatedAt: now });
  },
};
