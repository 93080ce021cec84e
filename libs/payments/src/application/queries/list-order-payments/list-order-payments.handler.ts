import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PAYMENT_REPOSITORY } from '../../../payments.di-tokens.js';
import type { PaymentRepository } from '../../ports/payment.repository.port.js';
import { ListOrderPayments, type PaymentPage } from './list-order-payments.query.js';

/**
 * The owner of the order and admins see its payment. Anyone else gets what an order without payments
 * gets, an empty list: payments cannot tell whose an unpaid order is, so a different answer for someone
 * else's paid order would tell that it exists and has been paid.
 */
@QueryHandler(ListOrderPayments)
export class ListOrderPaymentsHandler implements IQueryHandler<ListOrderPayments> {
  constructor(@Inject(PAYMENT_REPOSITORY) private readonly payments: PaymentRepository) {}

  async execute({ orderId, viewer, limit, offset }: ListOrderPayments): Promise<PaymentPage> {
    const payment = await this.payments.findByOrderId(orderId);
    // An order has at most one payment (unique per order), so the page is cut from that one row.
    const all = payment?.isVisibleTo(viewer) ? [payment] : [];
    return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
  }
}
