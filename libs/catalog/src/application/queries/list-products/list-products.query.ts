import { Query } from '@nestjs/cqrs';
import type { ProductView } from '../../product.view.js';

export interface ProductPage {
  items: ProductView[];
  total: number;
  limit: number;
  offset: number;
}

export class ListProducts extends Query<ProductPage> {
  constructor(
    readonly limit: number,
    readonly offset: number,
  ) {
    super();
  }
}
