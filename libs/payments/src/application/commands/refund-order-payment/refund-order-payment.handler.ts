import { Inject, Injectable } from '@nestjs/common';
import { PaymentRefundedV1 } from '@shop/contracts';
import type { Transaction, TransactionalHandler } from '@shop/platform';
import { CLOSED_ORDER_REPOSITORY, PAYMENT_REPOSITORY } from '../../../payments.di-tokens.js';
import type { ClosedOrderRepository } from '../../ports/closed-order.repository.port.js';
import type { PaymentRepository } from '../../ports/payment.repository.port.js';
import type { RefundOrderPayment } from './refund-order-payment.command.js';

/**
 * Records the order as closed (a cancellation can overtake the payment request it follows), then
 * refunds a captured payment. A payment that is declined or refunded already is left as it is.
 */
@Injectable()
export class RefundOrderPaymentHandler implements TransactionalHandler<RefundOrderPayment> {
  constructor(
    @Inject(PAYMENT_REPOSITORY) private readonly payments: PaymentRepository,
    @Inject(CLOSED_ORDER_REPOSITORY) private readonly closedOrders: ClosedOrderRepository,
  ) {}

  async execute(tx: Transaction, { orderId }: RefundOrderPayment): Promise<void> {
    const payment = await this.payments.findForUpdate(tx, orderId);
    await this.closedOrders.close(tx, orderId);
    if (!payment?.refund(new Date())) return;
    await this.payments.save(tx, payment);
    await tx.publish(PaymentRefundedV1, { orderId, paymentId: payment.id, amountCents: payment.amountCents });
  }
}
