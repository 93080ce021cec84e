import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ProductCreatedV1 } from '@shop/contracts';
import { UnitOfWork } from '@shop/platform';
import { PRODUCT_REPOSITORY } from '../../../catalog.di-tokens.js';
import { SkuTakenError } from '../../../domain/catalog.errors.js';
import { Product } from '../../../domain/product.js';
import type { ProductRepository } from '../../ports/product.repository.port.js';
import { toProductView, type ProductView } from '../../product.view.js';
import { CreateProduct } from './create-product.command.js';

@CommandHandler(CreateProduct)
export class CreateProductHandler implements ICommandHandler<CreateProduct> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepository,
  ) {}

  execute({ sku, name, priceCents, stock }: CreateProduct): Promise<ProductView> {
    const product = Product.create({ id: randomUUID(), sku, name, priceCents, stock });
    return this.uow.run(async (tx) => {
      if (!(await this.products.insertIfSkuFree(tx, product))) throw new SkuTakenError(sku);
      await tx.publish(ProductCreatedV1, { productId: product.id, sku, name, priceCents });
      return toProductView(product);
    });
  }
}
