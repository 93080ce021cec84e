import { Module, type DynamicModule } from '@nestjs/common';
import { CatalogModule } from '@shop/catalog';
import { IdentityModule } from '@shop/identity';
import { OrderingHttpModule } from '@shop/ordering';
import { PaymentsModule } from '@shop/payments';
import { PlatformModule, StranglerModule, type AppConfig } from '@shop/platform';

/** The deployable shell: platform plumbing, every bounded context, and the strangler facade in front of ordering. */
@Module({})
export class MonolithModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MonolithModule,
      imports: [
        PlatformModule.forRoot(config),
        StranglerModule.forRoot({ role: 'facade' }),
        IdentityModule,
        CatalogModule,
        OrderingHttpModule,
        PaymentsModule,
      ],
    };
  }
}
