// The monolith exactly as apps/monolith/src/main.ts starts it, plus one benchmark-only route:
// GET /api/v1/bench/orders/:id runs the same query handler as GET /api/v1/orders/:id, straight on
// the QueryBus, with the strangler facade (ContextGateway, X-Served-By middleware) bypassed.
// Same global guards, pipes, filters and logging as every other route.
import 'reflect-metadata';
import { Controller, Get, Module, NotFoundException, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentUser, runHttpApp, UuidParamPipe, type AuthenticatedUser } from '@shop/platform';
import { monolithApp } from '../../../apps/monolith/src/monolith.app.js';
// tools/bench is a measurement harness, not a context: it may reach past ordering's public API.
import { GetOrder } from '../../../libs/ordering/src/application/queries/get-order/get-order.query.js';

@Controller('bench/orders')
class FacadeBypassController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', new UuidParamPipe(() => new NotFoundException())) id: string): Promise<unknown> {
    return this.queries.execute(new GetOrder(user, id));
  }
}

@Module({ controllers: [FacadeBypassController] })
class FacadeBypassModule {}

await runHttpApp({
  ...monolithApp,
  compose: (composition) => ({ module: FacadeBypassModule, imports: [monolithApp.compose(composition)] }),
});
