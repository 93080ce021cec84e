import 'reflect-metadata';
import { runHttpApp } from '@shop/platform';
import { OrderServiceModule } from './order-service.module.js';

await runHttpApp((config) => OrderServiceModule.forRoot(config), (config) => config.orderServicePort);
