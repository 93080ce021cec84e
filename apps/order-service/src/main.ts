import 'reflect-metadata';
import { runHttpApp, startTracing } from '@shop/platform';
import { orderServiceApp } from './order-service.app.js';

// OTEL_* variables: spans exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set (ADR 0041).
startTracing('order-service');
await runHttpApp(orderServiceApp);
