import 'reflect-metadata';
import { runHttpApp, startTracing } from '@shop/platform';
import { monolithApp } from './monolith.app.js';

// OTEL_* variables: spans exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set (ADR 0041).
startTracing('monolith');
await runHttpApp(monolithApp);
