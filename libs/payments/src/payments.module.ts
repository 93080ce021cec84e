import { Module, type OnModuleInit } from '@nestjs/common';
import { BoundedContextModule, ConfigModule, ContextMessaging } from '@shop/platform';
import { PaymentsHttpController } from './api/payments.http.controller.js';
import { RefundOrderPaymentHandler } from './application/commands/refund-order-payment/refund-order-payment.handler.js';
import { TakePaymentHandler } from './application/commands/take-payment/take-payment.handler.js';
import { OrderSagaConsumer } from './application/saga/order-saga.consumer.js';
import { ListOrderPaymentsHandler } from './application/queries/list-order-payments/list-order-payments.handler.js';
import { ClosedOrderEntity } from './infrastructure/closed-order.entity.js';
import { TypeOrmClosedOrderRepository } from './infrastructure/closed-order.repository.js';
import { CreatePayments1763700000400 } from './infrastructure/migrations/1763700000400-create-payments.migration.js';
import { NameInboxHandlers1764600000400 } from './infrastructure/migrations/1764600000400-name-inbox-handlers.migration.js';
import { PaymentEntity } from './infrastructure/payment.entity.js';
import { TypeOrmPaymentRepository } from './infrastructure/payment.repository.js';
import { SimulatedPaymentProvider } from './infrastructure/simulated-payment-provider.js';
import { paymentsConfig } from './payments.config.js';
import { CLOSED_ORDER_REPOSITORY, PAYMENT_PROVIDER, PAYMENT_REPOSITORY } from './payments.di-tokens.js';

/** The payments bounded context: takes and refunds the money of the order saga, and lists an order's payments. */
@Module({
  imports: [
    BoundedContextModule.register({
      name: 'payments',
      // No ProblemMapper: no payments error reaches HTTP (its one query answers every viewer with a list; declines are events).
      entities: [PaymentEntity, ClosedOrderEntity],
      migrations: [CreatePayments1763700000400, NameInboxHandlers1764600000400],
    }),
    ConfigModule.forFeature(paymentsConfig),
  ],
  controllers: [PaymentsHttpController],
  providers: [
    { provide: PAYMENT_REPOSITORY, useClass: TypeOrmPaymentRepository },
    { provide: CLOSED_ORDER_REPOSITORY, useClass: TypeOrmClosedOrderRepository },
    { provide: PAYMENT_PROVIDER, useClass: SimulatedPaymentProvider },
    TakePaymentHandler,
    RefundOrderPaymentHandler,
    ListOrderPaymentsHandler,
    OrderSagaConsumer,
  ],
})
export class PaymentsModule implements OnModuleInit {
  constructor(
    private readonly messaging: ContextMessaging,
    private readonly orderSaga: OrderSagaConsumer,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.messaging.subscribe(this.orderSaga);
  }
}
