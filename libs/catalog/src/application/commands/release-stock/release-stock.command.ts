import { Command } from '@nestjs/cqrs';
import type { Transaction } from '@shop/platform';

/** Runs inside `tx`: the transaction of the consumed OrderRejectedV1 / OrderCancelledV1 and its inbox row. */
export class ReleaseStock extends Command<void> {
  constructor(
    readonly orderId: string,
    readonly tx: Transaction,
  ) {
    super();
  }
}
