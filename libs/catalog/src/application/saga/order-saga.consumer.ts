import { Injectable } from '@nestjs/common';
import { OrderCancelledV1, OrderPlacedV1, OrderRejectedV1 } from '@shop/contracts';
import { OnIntegrationEvent, type Transaction } from '@shop/platform';
import { ReleaseStock } from '../commands/release-stock/release-stock.command.js';
import { ReleaseStockHandler } from '../commands/release-stock/release-stock.handler.js';
import { ReserveStock } from '../commands/reserve-stock/reserve-stock.command.js';
import { ReserveStockHandler } from '../commands/reserve-stock/reserve-stock.handler.js';

/** The catalog's part of the order saga: reserve on placement, release on rejection or cancellation. */
@Injectable()
export class OrderSagaConsumer {
  constructor(
    private readonly reserveStock: ReserveStockHandler,
    private readonly releaseStock: ReleaseStockHandler,
  ) {}

  @OnIntegrationEvent(OrderPlacedV1, 'catalog.reserve-stock-on-order-placed')
  async onOrderPlaced(event: OrderPlacedV1, tx: Transaction): Promise<void> {
    const lines = event.lines.map(({ productId, quantity }) => ({ productId, quantity }));
    await this.reserveStock.execute(tx, new ReserveStock(event.orderId, lines));
  }

  @OnIntegrationEvent(OrderRejectedV1, 'catalog.release-stock-on-order-rejected')
  async onOrderRejected(event: OrderRejectedV1, tx: Transaction): Promise<void> {
    await this.releaseStock.execute(tx, new ReleaseStock(event.orderId));
  }

  @OnIntegrationEvent(OrderCancelledV1, 'catalog.release-stock-on-order-cancelled')
  async onOrderCancelled(event: OrderCancelledV1, tx: Transaction): Promise<void> {
    await this.releaseStock.execute(tx, new ReleaseStock(event.orderId));
  }
}
