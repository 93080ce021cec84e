import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PRODUCT_REPOSITORY } from '../../../catalog.di-tokens.js';
import { ProductNotFoundError } from '../../../domain/catalog.errors.js';
import type { ProductRepository } from '../../ports/product.repository.port.js';
import { toProductView, type ProductView } from '../../product.view.js';
import { GetProduct } from './get-product.query.js';

@QueryHandler(GetProduct)
export class GetProductHandler implements IQueryHandler<GetProduct> {
  constructor(@Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepository) {}

  async execute({ productId }: GetProduct): Promise<ProductView> {
    const product = await this.products.findById(productId);
    if (!product) throw new ProductNotFoundError(productId);
    return toProductView(product);
  }
}
