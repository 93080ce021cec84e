import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PAYMENT_REPOSITORY } from '../../../payments.di-tokens.js';
import type { PaymentRepository } from '../../ports/payment.repository.port.js';
import { ListOrderPayments, OrderPaymentsNotFoundError, type PaymentPage } from './list-order-payments.query.js';

/**
 * Someone else's payments are not found (their existence is never leaked). An order without payments
 * is an empty list for anyone: payments cannot tell whose such an order is, and the empty answer tells nothing.
 */
@QueryHandler(ListOrderPayments)
export class ListOrderPaymentsHandler implements IQueryHandler<ListOrderPayments> {
  constructor(@Inject(PAYMENT_REPOSITORY) private readonly payments: PaymentRepository) {}

  async execute({ orderId, viewer, limit, offset }: ListOrderPayments): Promise<PaymentPage> {
    const payment = await this.payments.findByOrderId(orderId);
    if (payment && !payment.isVisibleTo(viewer)) throw new OrderPaymentsNotFoundError(orderId);
    // An order has at most one payment (unique per order), so the page is cut from that one row.
    const all = payment ? [payment] : [];
    return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
  }
}
