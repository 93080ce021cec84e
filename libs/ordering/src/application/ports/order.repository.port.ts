import type { CursorPage, CursorPageRequest, Page, PageRequest, Transaction } from '@shop/platform';
import type { Order } from '../../domain/order.js';

export interface OrderRepository {
  findById(id: string): Promise<Order | null>;
  /** Locks the order's row until the transaction ends, so saga steps and cancels never race. */
  findForUpdate(tx: Transaction, id: string): Promise<Order | null>;
  save(tx: Transaction, order: Order): Promise<void>;
  /** The customer's orders, newest first. */
  listByCustomer(customerId: string, page: PageRequest): Promise<Page<Order>>;
  /** The customer's orders, newest first, strictly after a position (a keyset read of its index, however deep). */
  listByCustomerAfter(customerId: string, page: CursorPageRequest): Promise<CursorPage<Order>>;
}
