import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type AppConfig } from '@shop/platform';

/** The deployable shell: platform plumbing plus every bounded context. */
@Module({})
export class MonolithModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: MonolithModule, imports: [PlatformModule.forRoot(config)] };
  }
}
