import { Command } from '@nestjs/cqrs';
import type { ProductView } from '../../product.view.js';

export interface ProductChanges {
  name?: string;
  priceCents?: number;
  stock?: number;
}

export class UpdateProduct extends Command<ProductView> {
  constructor(
    readonly productId: string,
    readonly changes: ProductChanges,
  ) {
    super();
  }
}
