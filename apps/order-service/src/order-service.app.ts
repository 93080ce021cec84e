import { Module } from '@nestjs/common';
import { orderingStrangleable, OrderingModule } from '@shop/ordering';
import { ConfigModule, defineConfig, PlatformModule, platformConfig, variables, type AppShell } from '@shop/platform';
import { StranglerModule } from '@shop/strangler';

export const orderServiceConfig = defineConfig({
  name: 'order-service',
  variables: { ORDER_SERVICE_PORT: variables.port().default(3001) },
  build: (raw) => ({ port: raw.ORDER_SERVICE_PORT }),
});

/**
 * The deployable shell that hosts the ordering context alone: it answers ordering's commands and
 * queries from the strangler over RabbitMQ, runs the ordering saga, and serves only health over HTTP.
 */
@Module({
  imports: [PlatformModule, ConfigModule.forFeature(orderServiceConfig), StranglerModule.forService(orderingStrangleable), OrderingModule],
})
export class OrderServiceModule {}

export const orderServiceApp: AppShell = {
  name: 'order-service',
  composition: [],
  compose: () => ({ module: OrderServiceModule }),
  port: (configuration) => configuration.get(orderServiceConfig).port,
  check: (configuration) =>
    configuration.get(platformConfig).amqpUrl ? [] : ['AMQP_URL: required by order-service, which is reached over RabbitMQ'],
};
