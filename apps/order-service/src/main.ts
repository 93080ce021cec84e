import 'reflect-metadata';
import { bootstrapHttpApp, ConfigError, loadConfig } from '@shop/platform';
import { OrderServiceModule } from './order-service.module.js';

try {
  const config = loadConfig();
  await bootstrapHttpApp(OrderServiceModule.forRoot(config), config.orderServicePort);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(78); // EX_CONFIG
}
