import type { Transaction } from '@shop/platform';
import type { Payment } from '../../domain/payment.js';

export interface PaymentRepository {
  /** An order has at most one payment. */
  findByOrderId(orderId: string): Promise<Payment | undefined>;
  /**
   * The order's payment, if any, holding every other change to it back until `tx` ends (even before
   * it exists), so a payment request and a cancellation of the same order never interleave.
   */
  findForUpdate(tx: Transaction, orderId: string): Promise<Payment | undefined>;
  add(tx: Transaction, payment: Payment): Promise<void>;
  save(tx: Transaction, payment: Payment): Promise<void>;
}
