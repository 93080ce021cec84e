import { Query } from '@nestjs/cqrs';
import type { Caller, OrderView } from '../../order.view.js';

export class GetOrder extends Query<OrderView> {
  constructor(
    readonly caller: Caller,
    readonly orderId: string,
  ) {
    super();
  }
}
