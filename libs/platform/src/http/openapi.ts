import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AUTHENTICATES_ITSELF, IS_PUBLIC } from '../auth/decorators.js';
import { DEPRECATION_HEADER_DOCS } from './deprecation.js';
import { MAX_JSON_DEPTH } from './json-limits.js';

const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri-reference' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

/**
 * Swagger UI at /docs and the document at /docs-json (when `API_DOCS` lets them be served). Every
 * error answer is described as application/problem+json, and every route not marked @Public() as
 * needing a bearer token.
 * The document passes Redocly's `recommended` rules (apps/monolith/test/openapi.e2e-spec.ts).
 */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Shop API')
    .setDescription(
      'A modular monolith with a strangler facade. Errors are RFC 9457 problem details. Money is integer cents in /api/v1, ' +
        'and `{ amount, currency }` with a decimal string amount in /api/v2. A deprecated operation still answers, ' +
        'with `Deprecation`, `Sunset` and a `successor-version` `Link`, until its sunset.',
    )
    .setVersion('1')
    // Paths carry their full prefix (/api/v1, /health), so the server is whichever host serves this document.
    .addServer('/', 'the host serving this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT (RS256)' })
    .addGlobalResponse({
      status: 400,
      description: `invalid input (problem+json, \`errors\` names every bad field), or a JSON body nested over ${MAX_JSON_DEPTH} levels`,
    })
    .addGlobalResponse({ status: 413, description: 'body over 64 KiB' })
    .addGlobalResponse({ status: 500, description: 'unexpected error (no details leaked)' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey}_${methodKey}`,
  });
  declareSecurity(app, document);
  describeErrorsAsProblems(document);
  describeDeprecationHeaders(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', useGlobalPrefix: false });
  return document;
}

/**
 * Every operation whose handler is not @Public() (or checks its bearer credential itself) needs a bearer
 * token; public ones say so with an empty requirement, since an operation without `security` reads as undocumented, not as open.
 */
function declareSecurity(app: INestApplication, document: OpenAPIObject): void {
  const controllers = new Map<string, Type>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) if (metatype) controllers.set(metatype.name, metatype as Type);
  }
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Array<{ operationId?: string; security?: unknown[] }>) {
      const [controllerName = '', methodName = ''] = operation.operationId?.split('_') ?? [];
      const controller = controllers.get(controllerName);
      const handler = controller?.prototype[methodName] as object | undefined;
      const marked = (key: string) =>
        Boolean(controller && handler && (Reflect.getMetadata(key, handler) || Reflect.getMetadata(key, controller)));
      operation.security = marked(IS_PUBLIC) && !marked(AUTHENTICATES_ITSELF) ? [] : [{ bearer: [] }];
    }
  }
}

/** Error responses (4xx/5xx) carry application/problem+json with the ProblemDetails schema. */
function describeErrorsAsProblems(document: OpenAPIObject): void {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ProblemDetails: PROBLEM_SCHEMA } };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Array<{ responses?: Record<string, { content?: unknown }> }>) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (Number(status) >= 400)
          response.content = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } };
      }
    }
  }
}

/** Every answer of a deprecated operation carries the headers that say so (see deprecationHeaders). */
function describeDeprecationHeaders(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Array<{ deprecated?: boolean; responses?: Record<string, { headers?: object }> }>) {
      if (!operation.deprecated) continue;
      for (const response of Object.values(operation.responses ?? {}))
        response.headers = { ...response.headers, ...DEPRECATION_HEADER_DOCS };
    }
  }
}
