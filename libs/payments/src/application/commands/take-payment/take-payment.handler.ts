import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PaymentCapturedV1, PaymentDeclinedV1 } from '@shop/contracts';
import type { Transaction, TransactionalHandler } from '@shop/platform';
import { PaymentRequest } from '../../../domain/payment-request.js';
import { Payment } from '../../../domain/payment.js';
import { CLOSED_ORDER_REPOSITORY, PAYMENT_PROVIDER, PAYMENT_REPOSITORY } from '../../../payments.di-tokens.js';
import type { ClosedOrderRepository } from '../../ports/closed-order.repository.port.js';
import type { PaymentProvider } from '../../ports/payment-provider.port.js';
import type { PaymentRepository } from '../../ports/payment.repository.port.js';
import type { TakePayment } from './take-payment.command.js';

/**
 * One payment per order: a request for an order that has one already changes nothing. A request for
 * an order cancelled before it arrived is declined as ORDER_CLOSED, without asking the provider.
 */
@Injectable()
export class TakePaymentHandler implements TransactionalHandler<TakePayment> {
  constructor(
    @Inject(PAYMENT_REPOSITORY) private readonly payments: PaymentRepository,
    @Inject(CLOSED_ORDER_REPOSITORY) private readonly closedOrders: ClosedOrderRepository,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
  ) {}

  async execute(tx: Transaction, { orderId, customerId, amountCents }: TakePayment): Promise<void> {
    const request = PaymentRequest.of({ orderId, customerId, amountCents });
    if (await this.payments.findForUpdate(tx, orderId)) return;

    const payment = await this.settle(tx, request);
    await this.payments.add(tx, payment);
    await publishSettlement(tx, payment);
  }

  private async settle(tx: Transaction, request: PaymentRequest): Promise<Payment> {
    if (await this.closedOrders.isClosed(tx, request.orderId)) return Payment.declineForClosedOrder(randomUUID(), request, new Date());
    const outcome = await this.provider.charge({ orderId: request.orderId, amountCents: request.amountCents });
    return Payment.settle(randomUUID(), request, outcome, new Date());
  }
}

/** A freshly settled payment is either captured or declined with a reason. */
async function publishSettlement(tx: Transaction, payment: Payment): Promise<void> {
  const facts = { orderId: payment.orderId, paymentId: payment.id, amountCents: payment.amountCents };
  const reason = payment.declineReason;
  if (reason === null) await tx.publish(PaymentCapturedV1, facts);
  else await tx.publish(PaymentDeclinedV1, { ...facts, reason });
}
