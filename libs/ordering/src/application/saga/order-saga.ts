import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  OrderConfirmedV1,
  OrderRejectedV1,
  PaymentCapturedV1,
  PaymentDeclinedV1,
  StockReservationFailedV1,
  StockReservedV1,
  TakePaymentV1,
} from '@shop/contracts';
import { OnIntegrationEvent, type Transaction } from '@shop/platform';
import type { Order, SagaEffect } from '../../domain/order.js';
import { ORDER_REPOSITORY } from '../../ordering.di-tokens.js';
import type { OrderRepository } from '../ports/order.repository.port.js';

/**
 * The order placement saga, orchestrated by ordering: it reacts to catalog's and payments' answers,
 * moves the order's persisted state machine, and says what happens next (request payment, confirm,
 * reject). Compensation (release stock, refund) is done by catalog and payments on OrderRejectedV1 /
 * OrderCancelledV1. Every step runs in one transaction with its inbox row and outgoing messages.
 */
@Injectable()
export class OrderSaga {
  private readonly logger = new Logger(OrderSaga.name);

  constructor(@Inject(ORDER_REPOSITORY) private readonly orders: OrderRepository) {}

  @OnIntegrationEvent(StockReservedV1, 'ordering.saga-on-stock-reserved')
  async onStockReserved(event: StockReservedV1, tx: Transaction): Promise<void> {
    await this.advance(tx, event.orderId, (order, now) => order.stockReserved(now));
  }

  @OnIntegrationEvent(StockReservationFailedV1, 'ordering.saga-on-stock-reservation-failed')
  async onStockReservationFailed(event: StockReservationFailedV1, tx: Transaction): Promise<void> {
    await this.advance(tx, event.orderId, (order, now) => order.stockReservationFailed(now));
  }

  @OnIntegrationEvent(PaymentCapturedV1, 'ordering.saga-on-payment-captured')
  async onPaymentCaptured(event: PaymentCapturedV1, tx: Transaction): Promise<void> {
    await this.advance(tx, event.orderId, (order, now) => order.paymentCaptured(now));
  }

  @OnIntegrationEvent(PaymentDeclinedV1, 'ordering.saga-on-payment-declined')
  async onPaymentDeclined(event: PaymentDeclinedV1, tx: Transaction): Promise<void> {
    await this.advance(tx, event.orderId, (order, now) => order.paymentDeclined(now));
  }

  private async advance(tx: Transaction, orderId: string, transition: (order: Order, now: Date) => SagaEffect): Promise<void> {
    const order = await this.orders.findForUpdate(tx, orderId);
    if (!order) {
      this.logger.warn({ orderId }, 'saga event for an unknown order ignored');
      return;
    }
    const effect = transition(order, new Date());
    if (effect.kind === 'none') return;
    await this.orders.save(tx, order);
    await this.announce(tx, order, effect);
  }

  private async announce(tx: Transaction, order: Order, effect: Exclude<SagaEffect, { kind: 'none' }>): Promise<void> {
    switch (effect.kind) {
      case 'request-payment':
        return tx.publish(TakePaymentV1, { orderId: order.id, customerId: order.customerId, amountCents: effect.amountCents });
      case 'confirmed':
        return tx.publish(OrderConfirmedV1, { orderId: order.id });
      case 'rejected':
        return tx.publish(OrderRejectedV1, { orderId: order.id, reason: effect.reason });
    }
  }
}
