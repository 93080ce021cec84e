import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { mapPage } from '@shop/platform';
import { ORDER_REPOSITORY } from '../../../ordering.di-tokens.js';
import type { OrderRepository } from '../../ports/order.repository.port.js';
import { toOrderView, type OrderPage } from '../../order.view.js';
import { ListOrders } from './list-orders.query.js';

@QueryHandler(ListOrders)
export class ListOrdersHandler implements IQueryHandler<ListOrders> {
  constructor(@Inject(ORDER_REPOSITORY) private readonly orders: OrderRepository) {}

  async execute({ caller, limit, offset }: ListOrders): Promise<OrderPage> {
    return mapPage(await this.orders.listByCustomer(caller.id, { limit, offset }), toOrderView);
  }
}
