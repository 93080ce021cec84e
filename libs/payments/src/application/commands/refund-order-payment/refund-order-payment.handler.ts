import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PaymentRefundedV1 } from '@shop/contracts';
import { CLOSED_ORDER_REPOSITORY, PAYMENT_REPOSITORY } from '../../../payments.di-tokens.js';
import type { ClosedOrderRepository } from '../../ports/closed-order.repository.port.js';
import type { PaymentRepository } from '../../ports/payment.repository.port.js';
import { RefundOrderPaymentCommand } from './refund-order-payment.command.js';

/**
 * Records the order as closed (a cancellation can overtake the payment request it follows), then
 * refunds a captured payment. A payment that is declined or refunded already is left as it is.
 */
@CommandHandler(RefundOrderPaymentCommand)
export class RefundOrderPaymentHandler implements ICommandHandler<RefundOrderPaymentCommand> {
  constructor(
    @Inject(PAYMENT_REPOSITORY) private readonly payments: PaymentRepository,
    @Inject(CLOSED_ORDER_REPOSITORY) private readonly closedOrders: ClosedOrderRepository,
  ) {}

  async execute({ orderId, tx }: RefundOrderPaymentCommand): Promise<void> {
    await this.payments.lockOrder(tx, orderId);
    await this.closedOrders.close(tx, orderId);

    const payment = await this.payments.findByOrderId(orderId, tx);
    if (!payment?.refund(new Date())) return;
    await this.payments.save(tx, payment);
    await tx.publish(PaymentRefundedV1, { orderId, paymentId: payment.id, amountCents: payment.amountCents });
  }
}
