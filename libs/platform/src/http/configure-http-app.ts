import { VersioningType, type INestApplication, type NestApplicationOptions } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { Configuration } from '../config/config-slice.js';
import { platformConfig } from '../config/platform.config.js';
import { JSON_BODY_TYPES, rejectBodiesThatAreNotJson, rejectDeeplyNestedBodies } from './json-limits.js';
import { createValidationPipe } from './validation.js';
import { ProblemCatalog } from './problem-catalog.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { ProblemJsonExpressAdapter } from './problem-json-express-adapter.js';
import { setupOpenApi } from './openapi.js';
import { Metrics } from '../observability/metrics.js';
import { httpTelemetry } from '../observability/http-telemetry.js';
import { requestContextMiddleware } from './request-context.js';

export const BODY_LIMIT = '64kb';

/**
 * How every app is created, with `new ProblemJsonExpressAdapter()`: configureHttpApp parses bodies, and
 * logs are buffered until pino is in place.
 */
export const HTTP_APP_OPTIONS: NestApplicationOptions = { bodyParser: false, bufferLogs: true };

/**
 * The HTTP conventions of shared/spec/http-api.md, applied identically by every app and by the
 * e2e tests: /api/v1 prefix with URI versioning, request ids, a server span and RED metrics per request,
 * JSON bodies up to 64 KiB and 32 levels (a body of any other type is a 415),
 * strict validation, problem+json for every error and every unknown path, OpenAPI at /docs unless
 * switched off, the client's address taken from X-Forwarded-For only when TRUST_PROXY's proxies sent
 * it. Create the app with a ProblemJsonExpressAdapter and HTTP_APP_OPTIONS.
 */
export function configureHttpApp(app: INestApplication): INestApplication {
  if (!(app.getHttpAdapter() instanceof ProblemJsonExpressAdapter))
    throw new Error('Create the app with new ProblemJsonExpressAdapter(), so that every unknown path is answered as problem+json.');
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  express.use(requestContextMiddleware);
  express.use(httpTelemetry(app.get(Metrics)));
  express.use(rejectBodiesThatAreNotJson);
  express.useBodyParser('json', { limit: BODY_LIMIT, type: JSON_BODY_TYPES });
  express.use(rejectDeeplyNestedBodies);
  express.disable('x-powered-by');
  // Behind a proxy every request comes from the proxy: only the configured proxies may name the client (req.ip, @Ip()).
  express.set('trust proxy', app.get(Configuration).get(platformConfig).trustProxy);
  express.setGlobalPrefix('api', { exclude: ['health/live', 'health/ready', 'metrics', 'docs', 'docs-json'] });
  express.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
  express.useGlobalPipes(createValidationPipe());
  express.useGlobalFilters(new ProblemDetailsFilter(app.get(ProblemCatalog)));
  if (app.get(Configuration).get(platformConfig).apiDocs) setupOpenApi(app);
  return app;
}
