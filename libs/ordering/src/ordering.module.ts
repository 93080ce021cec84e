import { Module, type OnModuleInit } from '@nestjs/common';
import { BoundedContextModule, ContextMessaging } from '@shop/platform';
import { orderingProblems } from './api/ordering.problems.js';
import { CancelOrderHandler } from './application/commands/cancel-order/cancel-order.handler.js';
import { PlaceOrderHandler } from './application/commands/place-order/place-order.handler.js';
import { GetOrderHandler } from './application/queries/get-order/get-order.handler.js';
import { ListOrdersAfterHandler } from './application/queries/list-orders-after/list-orders-after.handler.js';
import { ListOrdersHandler } from './application/queries/list-orders/list-orders.handler.js';
import { ProductPricesProjector } from './application/read-model/product-prices.projector.js';
import { OrderSaga } from './application/saga/order-saga.js';
import { SqlIdempotencyKeys } from './infrastructure/idempotency-keys.repository.js';
import { CreateOrderingTables1763700000100 } from './infrastructure/migrations/1763700000100-create-ordering-tables.migration.js';
import { NameInboxHandlers1764600000100 } from './infrastructure/migrations/1764600000100-name-inbox-handlers.migration.js';
import { OrderEntity } from './infrastructure/order.entity.js';
import { TypeOrmOrderRepository } from './infrastructure/order.repository.js';
import { SqlProductPrices } from './infrastructure/product-prices.repository.js';
import { SagaMetrics } from './infrastructure/saga.metrics.js';
import { IDEMPOTENCY_KEYS, ORDER_REPOSITORY, PRODUCT_PRICES } from './ordering.di-tokens.js';

/**
 * The ordering bounded context: orders, the placement saga, and its read model of catalog prices.
 * Hosted by the monolith and by order-service, unchanged; its HTTP routes are OrderingHttpModule's
 * (ordering-http.module.ts), which load none of this: a monolith built without ordering keeps only them.
 */
@Module({
  imports: [
    BoundedContextModule.register({
      name: 'ordering',
      problems: orderingProblems,
      entities: [OrderEntity],
      migrations: [CreateOrderingTables1763700000100, NameInboxHandlers1764600000100],
    }),
  ],
  providers: [
    { provide: ORDER_REPOSITORY, useClass: TypeOrmOrderRepository },
    { provide: PRODUCT_PRICES, useClass: SqlProductPrices },
    { provide: IDEMPOTENCY_KEYS, useClass: SqlIdempotencyKeys },
    PlaceOrderHandler,
    CancelOrderHandler,
    GetOrderHandler,
    ListOrdersHandler,
    ListOrdersAfterHandler,
    OrderSaga,
    ProductPricesProjector,
    SagaMetrics,
  ],
})
export class OrderingModule implements OnModuleInit {
  constructor(
    private readonly messaging: ContextMessaging,
    private readonly saga: OrderSaga,
    private readonly prices: ProductPricesProjector,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.messaging.subscribe(this.saga, this.prices);
  }
}
