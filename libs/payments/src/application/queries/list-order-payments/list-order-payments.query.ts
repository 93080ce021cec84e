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
