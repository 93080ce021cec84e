import { Command } from '@nestjs/cqrs';
import type { Transaction } from '@shop/platform';

/** Take the money for an order, inside the transaction of the message that asked for it. */
export class TakePaymentCommand extends Command<void> {
  constructor(
    readonly orderId: string,
    readonly customerId: string,
    readonly amountCents: number,
    readonly tx: Transaction,
  ) {
    super();
  }
}
