import type { Transaction } from '@shop/platform';
import type { Payment } from '../../domain/payment.js';

export interface PaymentRepository {
  /**
   * Holds every other change to this order's payment back until `tx` ends, so a payment request and
   * a cancellation of the same order never interleave.
   */
  lockOrder(tx: Transaction, orderId: string): Promise<void>;
  /** An order has at most one payment. Reads outside a transaction when `tx` is omitted. */
  findByOrderId(orderId: string, tx?: Transaction): Promise<Payment | undefined>;
  add(tx: Transaction, payment: Payment): Promise<void>;
  save(tx: Transaction, payment: Payment): Promise<void>;
}
