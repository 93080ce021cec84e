import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { RequestContext } from '../http/request-context.js';
import { NONE, type HttpLabels, type Metrics } from './metrics.js';
import { tracer } from './tracing.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** The route label of a request no route matched (404s of any path, bodies refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The HTTP server span and RED metrics of every request. Runs right after the request context
 * opens; once the answer is finished, it labels both with the route template (never the raw URL),
 * the answering context, the strangler mode and `X-Served-By`. The span continues the caller's
 * trace when it sent `traceparent`.
 */
export function httpTelemetry(metrics: Metrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = performance.now();
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const method = METHODS.has(request.method) ? request.method : 'OTHER';
    const span = tracer().startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } }, parent);
    const store = RequestContext.current();
    response.once('close', () => {
      const route = routeTemplate(request);
      const labels: HttpLabels = {
        context: store?.labels?.context ?? NONE,
        route,
        method,
        status_class: `${Math.floor(response.statusCode / 100)}xx`,
        served_by: String(response.getHeader('x-served-by') ?? NONE),
        mode: store?.labels?.mode ?? NONE,
      };
      const seconds = (performance.now() - started) / 1000;
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      if (response.statusCode >= 500) metrics.httpErrors.inc(labels);
      span.updateName(`${method} ${route}`);
      span.setAttributes({
        'http.route': route,
        'http.response.status_code': response.statusCode,
        'shop.context': labels.context,
        'shop.served_by': labels.served_by,
        'shop.strangler.mode': labels.mode,
        ...(store ? { 'shop.request_id': store.requestId } : {}),
      });
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

/** `/api/v1/orders/:id`, as the matched route declares it; UNMATCHED_ROUTE when none matched. */
function routeTemplate(request: Request): string {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${request.baseUrl}${path}` : UNMATCHED_ROUTE;
}
