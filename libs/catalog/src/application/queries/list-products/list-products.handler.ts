import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PRODUCT_REPOSITORY } from '../../../catalog.di-tokens.js';
import type { ProductRepository } from '../../ports/product.repository.port.js';
import { toProductView } from '../../product.view.js';
import { ListProducts, type ProductPage } from './list-products.query.js';

@QueryHandler(ListProducts)
export class ListProductsHandler implements IQueryHandler<ListProducts> {
  constructor(@Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepository) {}

  async execute({ limit, offset }: ListProducts): Promise<ProductPage> {
    const page = await this.products.list({ limit, offset });
    return { items: page.items.map(toProductView), total: page.total, limit, offset };
  }
}
