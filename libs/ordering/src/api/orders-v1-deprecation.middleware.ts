import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { deprecationHeaders } from '@shop/platform';
import { orderingHttpConfig, type OrderingHttpConfig } from '../ordering-http.config.js';

/** Paths whose v2 twin can be named as is; anything else links the v2 collection. */
const ORDERS_V1_PATH = /^\/api\/v1\/orders(\/[A-Za-z0-9-]+){0,2}$/;

/** The same resource in v2: `/api/v1/orders/<id>/cancel` -> `/api/v2/orders/<id>/cancel`. */
export function successorOf(url: string): string {
  const path = url.split('?')[0] ?? '';
  return ORDERS_V1_PATH.test(path) ? path.replace('/api/v1/', '/api/v2/') : '/api/v2/orders';
}

/**
 * Marks every answer of /api/v1/orders as deprecated (Deprecation, Sunset, successor Link), errors and
 * 401s included: a middleware runs before the guards. It sets headers on Node's own response object,
 * which Nest hands to middleware under Express and Fastify alike; `originalUrl` is the full path under
 * both (Express and Fastify's middleware engine strip a mount path from `url`).
 */
@Injectable()
export class OrdersV1Deprecation implements NestMiddleware {
  constructor(@Inject(orderingHttpConfig.token) private readonly config: OrderingHttpConfig) {}

  use(request: IncomingMessage & { originalUrl?: string }, response: ServerResponse, next: () => void): void {
    const headers = deprecationHeaders({ ...this.config.ordersV1, successor: successorOf(request.originalUrl ?? request.url ?? '') });
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    next();
  }
}
