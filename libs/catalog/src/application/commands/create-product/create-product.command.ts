import { Command } from '@nestjs/cqrs';
import type { ProductView } from '../../product.view.js';

export class CreateProduct extends Command<ProductView> {
  constructor(
    readonly sku: string,
    readonly name: string,
    readonly priceCents: number,
    readonly stock: number,
  ) {
    super();
  }
}
