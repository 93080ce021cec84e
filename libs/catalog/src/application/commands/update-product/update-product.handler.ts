import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ProductPriceChangedV1 } from '@shop/contracts';
import { UnitOfWork } from '@shop/platform';
import { PRODUCT_REPOSITORY } from '../../../catalog.di-tokens.js';
import { ProductNotFoundError } from '../../../domain/catalog.errors.js';
import type { ProductRepository } from '../../ports/product.repository.port.js';
import { toProductView, type ProductView } from '../../product.view.js';
import { UpdateProduct } from './update-product.command.js';

@CommandHandler(UpdateProduct)
export class UpdateProductHandler implements ICommandHandler<UpdateProduct> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepository,
  ) {}

  execute({ productId, changes }: UpdateProduct): Promise<ProductView> {
    return this.uow.run(async (tx) => {
      // Locked: a stock correction must not overwrite a reservation committed meanwhile.
      const product = await this.products.findForUpdate(tx, productId);
      if (!product) throw new ProductNotFoundError(productId);
      if (changes.name !== undefined) product.rename(changes.name);
      if (changes.stock !== undefined) product.setStock(changes.stock);
      const priceChanged = changes.priceCents !== undefined && product.changePrice(changes.priceCents);
      await this.products.save(tx, product);
      if (priceChanged) await tx.publish(ProductPriceChangedV1, { productId, priceCents: product.snapshot().priceCents });
      return toProductView(product);
    });
  }
}
