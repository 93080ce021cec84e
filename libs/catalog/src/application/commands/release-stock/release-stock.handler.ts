import { Inject, Injectable } from '@nestjs/common';
import { StockReleasedV1 } from '@shop/contracts';
import type { Transaction, TransactionalHandler } from '@shop/platform';
import { PRODUCT_REPOSITORY, RESERVATION_REPOSITORY } from '../../../catalog.di-tokens.js';
import { ProductNotFoundError } from '../../../domain/catalog.errors.js';
import { Reservation } from '../../../domain/reservation.js';
import type { ProductRepository } from '../../ports/product.repository.port.js';
import type { ReservationRepository } from '../../ports/reservation.repository.port.js';
import type { ReleaseStock } from './release-stock.command.js';

/**
 * Compensation: puts a RESERVED order's units back in stock, once. An order closed before its
 * placement arrived gets a tombstone, so the late placement reserves nothing.
 */
@Injectable()
export class ReleaseStockHandler implements TransactionalHandler<ReleaseStock> {
  constructor(
    @Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepository,
    @Inject(RESERVATION_REPOSITORY) private readonly reservations: ReservationRepository,
  ) {}

  async execute(tx: Transaction, { orderId }: ReleaseStock): Promise<void> {
    const reservation = await this.reservations.findForUpdate(tx, orderId);
    if (!reservation) {
      await this.reservations.insert(tx, Reservation.closedBeforePlacement(orderId));
      return;
    }
    if (!reservation.release()) return;

    const lines = reservation.lines;
    const products = new Map(
      (
        await this.products.lockAll(
          tx,
          lines.map((line) => line.productId),
        )
      ).map((product) => [product.id, product]),
    );
    for (const line of lines) {
      // Products are never deleted, so a reserved product is still there; anything else is a bug to surface.
      const product = products.get(line.productId);
      if (!product) throw new ProductNotFoundError(line.productId);
      product.release(line.quantity);
    }
    for (const product of products.values()) await this.products.save(tx, product);
    await this.reservations.save(tx, reservation);
    await tx.publish(StockReleasedV1, { orderId, lines });
  }
}
