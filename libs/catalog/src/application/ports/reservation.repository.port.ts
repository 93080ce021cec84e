import type { Transaction } from '@shop/platform';
import type { Reservation } from '../../domain/reservation.js';

export interface ReservationRepository {
  /**
   * Serializes all work on one order until the transaction ends (even before its reservation
   * exists, so a placement and a cancel of the same order never interleave), then loads it.
   */
  findForUpdate(tx: Transaction, orderId: string): Promise<Reservation | null>;
  insert(tx: Transaction, reservation: Reservation): Promise<void>;
  save(tx: Transaction, reservation: Reservation): Promise<void>;
}
