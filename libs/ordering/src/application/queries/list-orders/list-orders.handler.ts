import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ORDER_REPOSITORY } from '../../../ordering.di-tokens.js';
import type { OrderRepository } from '../../ports/order.repository.port.js';
import { toOrderView, type OrderPage } from '../../order.view.js';
import { ListOrders } from './list-orders.query.js';

@QueryHandler(ListOrders)
export class ListOrdersHandler implements IQueryHandler<ListOrders> {
  constructor(@Inject(ORDER_REPOSITORY) private readonly orders: OrderRepository) {}

  async execute({ caller, limit, offset }: ListOrders): Promise<OrderPage> {
    const page = await this.orders.listByCustomer(caller.id, { limit, offset });
    return { items: page.items.map(toOrderView), total: page.total, limit, offset };
  }
}
