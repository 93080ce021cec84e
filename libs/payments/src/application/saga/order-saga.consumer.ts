import { Injectable } from '@nestjs/common';
import { OrderCancelledV1, PaymentRequestedV1, TakePaymentV1 } from '@shop/contracts';
import { OnIntegrationEvent, type Transaction } from '@shop/platform';
import { RefundOrderPayment } from '../commands/refund-order-payment/refund-order-payment.command.js';
import { RefundOrderPaymentHandler } from '../commands/refund-order-payment/refund-order-payment.handler.js';
import { TakePayment } from '../commands/take-payment/take-payment.command.js';
import { TakePaymentHandler } from '../commands/take-payment/take-payment.handler.js';

/** Payments' part of the order saga. Each handler runs in the inbox transaction it is given. */
@Injectable()
export class OrderSagaConsumer {
  constructor(
    private readonly takePayment: TakePaymentHandler,
    private readonly refundOrderPayment: RefundOrderPaymentHandler,
  ) {}

  @OnIntegrationEvent(TakePaymentV1, 'payments.take-payment')
  async onTakePayment({ orderId, customerId, amountCents }: TakePaymentV1, tx: Transaction): Promise<void> {
    await this.takePayment.execute(tx, new TakePayment(orderId, customerId, amountCents));
  }

  /** The same request under its earlier name (see PaymentRequestedV1); one payment per order either way. */
  @OnIntegrationEvent(PaymentRequestedV1, 'payments.take-payment-as-requested')
  async onPaymentRequested(request: PaymentRequestedV1, tx: Transaction): Promise<void> {
    await this.onTakePayment(request, tx);
  }

  @OnIntegrationEvent(OrderCancelledV1, 'payments.refund-on-order-cancelled')
  async onOrderCancelled({ orderId }: OrderCancelledV1, tx: Transaction): Promise<void> {
    await this.refundOrderPayment.execute(tx, new RefundOrderPayment(orderId));
  }
}
