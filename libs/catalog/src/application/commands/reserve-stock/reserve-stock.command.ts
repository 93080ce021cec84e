import { Command } from '@nestjs/cqrs';
import type { Transaction } from '@shop/platform';
import type { ReservationLine } from '../../../domain/reservation.js';

/** Runs inside `tx`: the transaction of the consumed OrderPlacedV1 and its inbox row. */
export class ReserveStock extends Command<void> {
  constructor(
    readonly orderId: string,
    readonly lines: ReservationLine[],
    readonly tx: Transaction,
  ) {
    super();
  }
}
