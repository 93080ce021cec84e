import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { OrderNotFoundError } from '../../../domain/order.errors.js';
import { ORDER_REPOSITORY } from '../../../ordering.di-tokens.js';
import type { OrderRepository } from '../../ports/order.repository.port.js';
import { toOrderView, viewerOf, type OrderView } from '../../order.view.js';
import { GetOrder } from './get-order.query.js';

/** Someone else's order is answered exactly like a missing one. */
@QueryHandler(GetOrder)
export class GetOrderHandler implements IQueryHandler<GetOrder> {
  constructor(@Inject(ORDER_REPOSITORY) private readonly orders: OrderRepository) {}

  async execute(query: GetOrder): Promise<OrderView> {
    const order = await this.orders.findById(query.orderId);
    if (!order?.isVisibleTo(viewerOf(query.caller))) throw new OrderNotFoundError(query.orderId);
    return toOrderView(order);
  }
}
