import { VersioningType, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { Configuration } from '../config/config-slice.js';
import { platformConfig } from '../config/platform.config.js';
import { createValidationPipe } from './validation.js';
import { ProblemCatalog } from './problem-catalog.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { setupOpenApi } from './openapi.js';
import { requestContextMiddleware } from './request-context.js';

export const BODY_LIMIT = '64kb';

/**
 * The HTTP conventions of shared/spec/http-api.md, applied identically by every app and by the
 * e2e tests: /api/v1 prefix with URI versioning, request ids, strict validation, problem+json,
 * 64 KiB bodies, OpenAPI at /docs, the client's address taken from X-Forwarded-For only when TRUST_PROXY's
 * proxies sent it. Create the app with `{ bodyParser: false, bufferLogs: true }`.
 */
export function configureHttpApp(app: INestApplication): INestApplication {
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  express.use(requestContextMiddleware);
  express.useBodyParser('json', { limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] });
  express.disable('x-powered-by');
  // Behind a proxy every request comes from the proxy: only the configured proxies may name the client (req.ip, @Ip()).
  express.set('trust proxy', app.get(Configuration).get(platformConfig).trustProxy);
  express.setGlobalPrefix('api', { exclude: ['health/live', 'health/ready', 'docs', 'docs-json'] });
  express.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
  express.useGlobalPipes(createValidationPipe());
  express.useGlobalFilters(new ProblemDetailsFilter(app.get(ProblemCatalog)));
  setupOpenApi(app);
  return app;
}
