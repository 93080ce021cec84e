import { Query } from '@nestjs/cqrs';
import type { Caller, OrderPage } from '../../order.view.js';

/** The caller's own orders, newest first. */
export class ListOrders extends Query<OrderPage> {
  constructor(
    readonly caller: Caller,
    readonly limit: number,
    readonly offset: number,
  ) {
    super();
  }
}
