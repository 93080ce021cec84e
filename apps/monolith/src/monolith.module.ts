import { Module, type DynamicModule } from '@nestjs/common';
import { CatalogModule } from '@shop/catalog';
import { IdentityModule } from '@shop/identity';
import { OrderingModule } from '@shop/ordering';
import { PaymentsModule } from '@shop/payments';
import { PlatformModule, type AppConfig } from '@shop/platform';

/** The deployable shell: platform plumbing plus every bounded context. */
@Module({})
export class MonolithModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: MonolithModule, imports: [PlatformModule.forRoot(config), IdentityModule, CatalogModule, OrderingModule, PaymentsModule] };
  }
}
