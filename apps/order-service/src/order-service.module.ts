import { Module, type DynamicModule } from '@nestjs/common';
import { OrderingModule } from '@shop/ordering';
import { ConfigError, PlatformModule, StranglerModule, type AppConfig } from '@shop/platform';

/**
 * The deployable shell that hosts the ordering context alone: it answers ordering's commands and
 * queries from the strangler over RabbitMQ, runs the ordering saga, and serves only health over HTTP.
 */
@Module({})
export class OrderServiceModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (!config.amqpUrl) throw new ConfigError(['AMQP_URL: required by order-service, which is reached over RabbitMQ']);
    return { module: OrderServiceModule, imports: [PlatformModule.forRoot(config), StranglerModule.forRoot({ role: 'service' }), OrderingModule] };
  }
}
