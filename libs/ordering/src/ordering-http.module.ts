import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ApiUsageModule, ConfigModule, problemMapperProvider } from '@shop/platform';
import { servedByDefault, StranglerModule } from '@shop/strangler';
import { orderingProblems } from './api/ordering.problems.js';
import { OrdersV1Deprecation } from './api/orders-v1-deprecation.middleware.js';
import { OrdersHttpController } from './api/orders.http.controller.js';
import { OrdersV2HttpController } from './api/orders-v2.http.controller.js';
import { orderingHttpConfig } from './ordering-http.config.js';
import { orderingStrangleable } from './ordering.strangleable.js';

/**
 * Ordering's HTTP routes, behind the strangler facade (only the monolith serves HTTP): their
 * ContextGateway sends each command and query to wherever the route table says ordering lives.
 * /api/v1/orders and /api/v2/orders are served side by side from the same commands and queries.
 */
@Module({
  imports: [StranglerModule.forContext(orderingStrangleable), ConfigModule.forFeature(orderingHttpConfig), ApiUsageModule],
  controllers: [OrdersHttpController, OrdersV2HttpController],
  // The routes raise ordering's own errors (an id that names no order) even where ordering's code is not hosted.
  providers: [problemMapperProvider('ordering-http', orderingProblems), OrdersV1Deprecation],
})
export class OrderingHttpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(servedByDefault(orderingStrangleable)).forRoutes(OrdersHttpController, OrdersV2HttpController);
    consumer.apply(OrdersV1Deprecation).forRoutes(OrdersHttpController);
  }
}
