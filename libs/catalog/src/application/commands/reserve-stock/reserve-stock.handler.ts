import { Inject, Injectable } from '@nestjs/common';
import { StockReservationFailedV1, StockReservedV1 } from '@shop/contracts';
import type { Transaction, TransactionalHandler } from '@shop/platform';
import { PRODUCT_REPOSITORY, RESERVATION_REPOSITORY } from '../../../catalog.di-tokens.js';
import { allocateStock } from '../../../domain/stock-allocation.js';
import type { ProductRepository } from '../../ports/product.repository.port.js';
import type { ReservationRepository } from '../../ports/reservation.repository.port.js';
import type { ReserveStock } from './reserve-stock.command.js';

/**
 * The catalog's step of the order saga: reserve all of an order's lines or none, and say which.
 * Locks the order, then the products in id order, so concurrent orders for the last units queue
 * up on the rows (never below zero) and never deadlock.
 */
@Injectable()
export class ReserveStockHandler implements TransactionalHandler<ReserveStock> {
  constructor(
    @Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepository,
    @Inject(RESERVATION_REPOSITORY) private readonly reservations: ReservationRepository,
  ) {}

  async execute(tx: Transaction, { orderId, lines }: ReserveStock): Promise<void> {
    const existing = await this.reservations.findForUpdate(tx, orderId);
    if (existing) {
      // The order was closed first (or already released): it must not take stock now.
      if (existing.isClosed) await tx.publish(StockReservationFailedV1, { orderId, reason: 'ORDER_CLOSED', shortLines: [] });
      // Otherwise this order's placement was already answered; answering twice would double the effect.
      return;
    }

    const products = await this.products.lockAll(
      tx,
      lines.map((line) => line.productId),
    );
    const allocation = allocateStock(orderId, lines, products);
    await this.reservations.insert(tx, allocation.reservation);
    if (allocation.kind === 'short') {
      await tx.publish(StockReservationFailedV1, { orderId, reason: 'OUT_OF_STOCK', shortLines: allocation.shortLines });
      return;
    }
    for (const product of allocation.products) await this.products.save(tx, product);
    await tx.publish(StockReservedV1, { orderId, lines: allocation.reservation.lines });
  }
}
