import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { OrderCancelledV1, PaymentRequestedV1 } from '@shop/contracts';
import { OnIntegrationEvent, type Transaction } from '@shop/platform';
import { RefundOrderPaymentCommand } from '../application/commands/refund-order-payment/refund-order-payment.command.js';
import { TakePaymentCommand } from '../application/commands/take-payment/take-payment.command.js';

/** Payments' part of the order saga. Each handler runs in the inbox transaction it is given. */
@Injectable()
export class PaymentsConsumer {
  constructor(private readonly commandBus: CommandBus) {}

  @OnIntegrationEvent(PaymentRequestedV1)
  async onPaymentRequested({ orderId, customerId, amountCents }: PaymentRequestedV1, tx: Transaction): Promise<void> {
    await this.commandBus.execute(new TakePaymentCommand(orderId, customerId, amountCents, tx));
  }

  @OnIntegrationEvent(OrderCancelledV1)
  async onOrderCancelled({ orderId }: OrderCancelledV1, tx: Transaction): Promise<void> {
    await this.commandBus.execute(new RefundOrderPaymentCommand(orderId, tx));
  }
}
