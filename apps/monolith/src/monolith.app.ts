import { Module } from '@nestjs/common';
import { CatalogModule } from '@shop/catalog';
import { IdentityModule } from '@shop/identity';
import { OrderingHttpModule, OrderingModule } from '@shop/ordering';
import { PaymentsModule } from '@shop/payments';
import { ConfigModule, defineConfig, PlatformModule, variables, type AppShell } from '@shop/platform';
import { StranglerModule } from '@shop/strangler';

export const monolithConfig = defineConfig({
  name: 'monolith',
  variables: { PORT: variables.port().default(3000) },
  build: (raw) => ({ port: raw.PORT }),
});

/** The deployable shell: platform plumbing, every bounded context, and the strangler facade in front of ordering. */
@Module({
  imports: [
    PlatformModule,
    ConfigModule.forFeature(monolithConfig),
    StranglerModule.forFacade(),
    IdentityModule,
    CatalogModule,
    OrderingModule,
    OrderingHttpModule,
    PaymentsModule,
  ],
})
export class MonolithModule {}

export const monolithApp: AppShell = {
  name: 'monolith',
  composition: [],
  compose: () => ({ module: MonolithModule }),
  port: (configuration) => configuration.get(monolithConfig).port,
};
