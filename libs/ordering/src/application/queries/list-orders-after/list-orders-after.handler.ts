import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ORDER_REPOSITORY } from '../../../ordering.di-tokens.js';
import type { OrderRepository } from '../../ports/order.repository.port.js';
import { toOrderView, type OrderSlice } from '../../order.view.js';
import { ListOrdersAfter } from './list-orders-after.query.js';

@QueryHandler(ListOrdersAfter)
export class ListOrdersAfterHandler implements IQueryHandler<ListOrdersAfter> {
  constructor(@Inject(ORDER_REPOSITORY) private readonly orders: OrderRepository) {}

  async execute({ caller, limit, after }: ListOrdersAfter): Promise<OrderSlice> {
    const slice = await this.orders.listByCustomerAfter(caller.id, { limit, after });
    return { items: slice.items.map(toOrderView), next: slice.next };
  }
}
