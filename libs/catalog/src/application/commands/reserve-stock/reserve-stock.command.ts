import type { ReservationLine } from '../../../domain/reservation.js';

/** Reserve an order's lines (run inside the transaction of the consumed OrderPlacedV1 and its inbox row). */
export class ReserveStock {
  constructor(
    readonly orderId: string,
    readonly lines: ReservationLine[],
  ) {}
}
