import 'reflect-metadata';
import { runHttpApp } from '@shop/platform';
import { orderServiceApp } from './order-service.app.js';

await runHttpApp(orderServiceApp);
