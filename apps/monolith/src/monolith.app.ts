import { Module, type DynamicModule } from '@nestjs/common';
import { CatalogModule } from '@shop/catalog';
import { IdentityModule } from '@shop/identity';
import { OrderingHttpModule, OrderingModule } from '@shop/ordering';
import { PaymentsModule } from '@shop/payments';
import { ConfigModule, defineConfig, PlatformModule, variables, type AppShell } from '@shop/platform';
import { StranglerModule } from '@shop/strangler';
import { ConsoleAssetsModule } from './console/console-assets.module.js';

export const monolithConfig = defineConfig({
  name: 'monolith',
  variables: { PORT: variables.port().default(3000) },
  build: (raw) => ({ port: raw.PORT }),
});

/** The strangleable contexts whose code the monolith can be built without, once their data lives with their service. */
const RETIRABLE = ['ordering'] as const;
type Retirable = (typeof RETIRABLE)[number];

/** What the monolith is made of: `RETIRED_CONTEXTS` leaves out a context whose data was handed off to its service. */
export const monolithComposition = defineConfig({
  name: 'monolith.composition',
  variables: { RETIRED_CONTEXTS: variables.listOf(RETIRABLE) },
  build: (raw) => ({ retired: new Set<Retirable>(raw.RETIRED_CONTEXTS) }),
});

/**
 * The deployable shell: platform plumbing, every bounded context, and the strangler facade in front of
 * ordering. A retired context keeps its HTTP routes here (the facade passes them on); its handlers,
 * saga, relay, schema and entities are not loaded.
 */
@Module({})
export class MonolithModule {
  static compose(retired: ReadonlySet<Retirable>): DynamicModule {
    return {
      module: MonolithModule,
      imports: [
        PlatformModule,
        ConfigModule.forFeature(monolithConfig),
        StranglerModule.forFacade(),
        IdentityModule,
        CatalogModule,
        ...(retired.has('ordering') ? [] : [OrderingModule]),
        OrderingHttpModule,
        PaymentsModule,
        ConsoleAssetsModule,
      ],
    };
  }
}

export const monolithApp: AppShell = {
  name: 'monolith',
  composition: [monolithComposition],
  compose: (composition) => MonolithModule.compose(composition.get(monolithComposition).retired),
  port: (configuration) => configuration.get(monolithConfig).port,
};
