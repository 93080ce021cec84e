import { Command } from '@nestjs/cqrs';
import type { Caller, OrderView } from '../../order.view.js';

export interface PlaceOrderResult {
  order: OrderView;
  /** false when an Idempotency-Key replay answered with the order it created before. */
  created: boolean;
}

export class PlaceOrder extends Command<PlaceOrderResult> {
  constructor(
    readonly caller: Caller,
    readonly items: Array<{ productId: string; quantity: number }>,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}
