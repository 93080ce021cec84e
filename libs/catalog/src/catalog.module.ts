import { Module, type OnModuleInit } from '@nestjs/common';
import { BoundedContextModule, ContextMessaging } from '@shop/platform';
import { catalogProblems } from './api/catalog.problems.js';
import { ProductsHttpController } from './api/products.http.controller.js';
import { CreateProductHandler } from './application/commands/create-product/create-product.handler.js';
import { ReleaseStockHandler } from './application/commands/release-stock/release-stock.handler.js';
import { ReserveStockHandler } from './application/commands/reserve-stock/reserve-stock.handler.js';
import { UpdateProductHandler } from './application/commands/update-product/update-product.handler.js';
import { GetProductHandler } from './application/queries/get-product/get-product.handler.js';
import { ListProductsHandler } from './application/queries/list-products/list-products.handler.js';
import { OrderSagaConsumer } from './application/saga/order-saga.consumer.js';
import { PRODUCT_REPOSITORY, RESERVATION_REPOSITORY } from './catalog.di-tokens.js';
import { DemoCatalogSeeder } from './infrastructure/demo-catalog.seeder.js';
import { CreateCatalogTables1763700000200 } from './infrastructure/migrations/1763700000200-create-catalog-tables.migration.js';
import { NameInboxHandlers1764600000200 } from './infrastructure/migrations/1764600000200-name-inbox-handlers.migration.js';
import { ProductEntity } from './infrastructure/product.entity.js';
import { TypeOrmProductRepository } from './infrastructure/product.repository.js';
import { ReservationEntity } from './infrastructure/reservation.entity.js';
import { TypeOrmReservationRepository } from './infrastructure/reservation.repository.js';

/** The catalog bounded context: products, their stock, and stock reservations for the order saga. */
@Module({
  imports: [
    BoundedContextModule.register({
      name: 'catalog',
      problems: catalogProblems,
      entities: [ProductEntity, ReservationEntity],
      migrations: [CreateCatalogTables1763700000200, NameInboxHandlers1764600000200],
    }),
  ],
  controllers: [ProductsHttpController],
  providers: [
    { provide: PRODUCT_REPOSITORY, useClass: TypeOrmProductRepository },
    { provide: RESERVATION_REPOSITORY, useClass: TypeOrmReservationRepository },
    CreateProductHandler,
    UpdateProductHandler,
    ReserveStockHandler,
    ReleaseStockHandler,
    GetProductHandler,
    ListProductsHandler,
    OrderSagaConsumer,
    DemoCatalogSeeder,
  ],
})
export class CatalogModule implements OnModuleInit {
  constructor(
    private readonly messaging: ContextMessaging,
    private readonly orderSaga: OrderSagaConsumer,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.messaging.subscribe(this.orderSaga);
  }
}
