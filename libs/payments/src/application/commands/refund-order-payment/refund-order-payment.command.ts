import { Command } from '@nestjs/cqrs';
import type { Transaction } from '@shop/platform';

/** The order is cancelled: give back what was captured, and take nothing for it later. */
export class RefundOrderPaymentCommand extends Command<void> {
  constructor(
    readonly orderId: string,
    readonly tx: Transaction,
  ) {
    super();
  }
}
