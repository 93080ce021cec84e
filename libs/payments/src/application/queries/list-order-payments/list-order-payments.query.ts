import { Query } from '@nestjs/cqrs';
import type { Page } from '@shop/platform';
import type { Payment, PaymentViewer } from '../../../domain/payment.js';

export type PaymentPage = Page<Payment>;

/** The payments of one order, as the viewer may see them. */
export class ListOrderPayments extends Query<PaymentPage> {
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
