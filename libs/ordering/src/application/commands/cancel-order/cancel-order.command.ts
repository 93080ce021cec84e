import { Command } from '@nestjs/cqrs';
import type { Caller, OrderView } from '../../order.view.js';

export class CancelOrder extends Command<OrderView> {
  constructor(
    readonly caller: Caller,
    readonly orderId: string,
  ) {
    super();
  }
}
