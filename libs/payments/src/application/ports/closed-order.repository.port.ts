import type { Transaction } from '@shop/platform';

/** Orders payments was told are cancelled: the tombstones that stop a late payment request from taking money. */
export interface ClosedOrderRepository {
  close(tx: Transaction, orderId: string): Promise<void>;
  isClosed(tx: Transaction, orderId: string): Promise<boolean>;
}
