import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type AppConfig } from '@shop/platform';

/** The deployable shell that hosts the ordering context alone. */
@Module({})
export class OrderServiceModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: OrderServiceModule, imports: [PlatformModule.forRoot(config)] };
  }
}
