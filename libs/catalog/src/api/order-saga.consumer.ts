import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { OrderCancelledV1, OrderPlacedV1, OrderRejectedV1 } from '@shop/contracts';
import { OnIntegrationEvent, type Transaction } from '@shop/platform';
import { ReleaseStock } from '../application/commands/release-stock/release-stock.command.js';
import { ReserveStock } from '../application/commands/reserve-stock/reserve-stock.command.js';

/** The catalog's part of the order saga: reserve on placement, release on rejection or cancellation. */
@Injectable()
export class OrderSagaConsumer {
  constructor(private readonly commandBus: CommandBus) {}

  @OnIntegrationEvent(OrderPlacedV1)
  async onOrderPlaced(event: OrderPlacedV1, tx: Transaction): Promise<void> {
    const lines = event.lines.map(({ productId, quantity }) => ({ productId, quantity }));
    await this.commandBus.execute(new ReserveStock(event.orderId, lines, tx));
  }

  @OnIntegrationEvent(OrderRejectedV1)
  async onOrderRejected(event: OrderRejectedV1, tx: Transaction): Promise<void> {
    await this.commandBus.execute(new ReleaseStock(event.orderId, tx));
  }

  @OnIntegrationEvent(OrderCancelledV1)
  async onOrderCancelled(event: OrderCancelledV1, tx: Transaction): Promise<void> {
    await this.commandBus.execute(new ReleaseStock(event.orderId, tx));
  }
}
