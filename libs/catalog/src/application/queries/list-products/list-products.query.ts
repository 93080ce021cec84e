import { Query } from '@nestjs/cqrs';
import type { Page } from '@shop/platform';
import type { ProductView } from '../../product.view.js';

export class ListProducts extends Query<Page<ProductView>> {
  constructor(
    readonly limit: number,
    readonly offset: number,
  ) {
    super();
  }
}
