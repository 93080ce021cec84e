import { Query } from '@nestjs/cqrs';
import type { ProductView } from '../../product.view.js';

export class GetProduct extends Query<ProductView> {
  constructor(readonly productId: string) {
    super();
  }
}
