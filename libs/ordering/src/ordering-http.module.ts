import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { problemMapperProvider } from '@shop/platform';
import { servedByDefault, StranglerModule } from '@shop/strangler';
import { orderingProblems } from './api/ordering.problems.js';
import { OrdersHttpController } from './api/orders.http.controller.js';
import { orderingStrangleable } from './ordering.strangleable.js';

/**
 * Ordering's HTTP routes, behind the strangler facade (only the monolith serves HTTP): their
 * ContextGateway sends each command and query to wherever the route table says ordering lives.
 */
@Module({
  imports: [StranglerModule.forContext(orderingStrangleable)],
  controllers: [OrdersHttpController],
  // The routes raise ordering's own errors (an id that names no order) even where ordering's code is not hosted.
  providers: [problemMapperProvider('ordering-http', orderingProblems)],
})
export class OrderingHttpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(servedByDefault(orderingStrangleable)).forRoutes(OrdersHttpController);
  }
}
