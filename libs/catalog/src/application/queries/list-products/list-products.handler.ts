import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { mapPage, type Page } from '@shop/platform';
import { PRODUCT_REPOSITORY } from '../../../catalog.di-tokens.js';
import type { ProductRepository } from '../../ports/product.repository.port.js';
import { toProductView, type ProductView } from '../../product.view.js';
import { ListProducts } from './list-products.query.js';

@QueryHandler(ListProducts)
export class ListProductsHandler implements IQueryHandler<ListProducts> {
  constructor(@Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepository) {}

  async execute({ limit, offset }: ListProducts): Promise<Page<ProductView>> {
    return mapPage(await this.products.list({ limit, offset }), toProductView);
  }
}
