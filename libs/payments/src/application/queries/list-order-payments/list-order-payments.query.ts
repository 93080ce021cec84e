import { Query } from '@nestjs/cqrs';
import type { Payment, PaymentViewer } from '../../../domain/payment.js';

export interface PaymentPage {
  items: Payment[];
  total: number;
  limit: number;
  offset: number;
}

/** The payments of one order, as the viewer may see them. */
export class ListOrderPaymentsQuery extends Query<PaymentPage> {
  constructor(
    readonly orderId: string,
    readonly viewer: PaymentViewer,
    readonly limit: number,
    readonly offset: number,
  ) {
    super();
  }
}

/** The order has payments, but not the viewer's to see: answered exactly like an order without any. */
export class OrderPaymentsNotFoundError extends Error {
  constructor(readonly orderId: string) {
    super(`No payments found for order ${orderId}.`);
    this.name = 'OrderPaymentsNotFoundError';
  }
}
