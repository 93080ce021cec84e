import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { OrderCancelledV1 } from '@shop/contracts';
import { UnitOfWork } from '@shop/platform';
import { OrderNotFoundError } from '../../../domain/order.errors.js';
import { ORDER_REPOSITORY } from '../../../ordering.di-tokens.js';
import type { OrderRepository } from '../../ports/order.repository.port.js';
import { toOrderView, viewerOf, type OrderView } from '../../order.view.js';
import { CancelOrder } from './cancel-order.command.js';

/** Cancels and publishes OrderCancelledV1, on which catalog releases stock and payments refunds. */
@CommandHandler(CancelOrder)
export class CancelOrderHandler implements ICommandHandler<CancelOrder> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(ORDER_REPOSITORY) private readonly orders: OrderRepository,
  ) {}

  execute(command: CancelOrder): Promise<OrderView> {
    return this.uow.run(async (tx) => {
      const order = await this.orders.findForUpdate(tx, command.orderId);
      if (!order?.isVisibleTo(viewerOf(command.caller))) throw new OrderNotFoundError(command.orderId);
      order.cancel(new Date());
      await this.orders.save(tx, order);
      await tx.publish(OrderCancelledV1, { orderId: order.id, customerId: order.customerId });
      return toOrderView(order);
    });
  }
}
