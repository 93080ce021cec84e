import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { dataSourceToken, TokenService } from '@shop/platform';
import {
  createTestApp,
  createTestDatabase,
  deleteAmqpNamespace,
  TEST_AMQP_URL,
  testAmqpNamespace,
  testEnv,
  testTransport,
  type TestDatabase,
  type TestEnv,
} from '@shop/testing';
import { monolithApp } from '../../src/monolith.app.js';

export const ADMIN_EMAIL = 'admin@shop.test';
export const CONTEXTS = ['identity', 'catalog', 'ordering', 'payments'];
export const ADMIN_PASSWORD = 'admin-password-123';

export interface ShopUnderTest {
  app: INestApplication;
  /** The environment the monolith runs with (test defaults included): another process of the shop takes the same. */
  env: TestEnv;
  http: () => ReturnType<typeof request>;
  /** A query on the shop's database, to see that asynchronous work has finished (never to change state). */
  sql: (query: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;
  /** `Authorization` header value for a fresh (or the given) user id with these roles; no identity round trip. */
  bearer: (roles?: string[], userId?: string) => string;
  close: () => Promise<void>;
}

export interface ShopOptions {
  database?: 'postgres' | 'pglite';
  /** Integration events in-process or over the real RabbitMQ (default: SHOP_TEST_TRANSPORT). */
  transport?: 'amqp' | 'in-process';
  env?: Record<string, string>;
}

/**
 * The whole monolith on a fresh database of the real PostgreSQL server (or on in-memory PGlite
 * with `{ database: 'pglite' }`), with events in-process or over RabbitMQ under a namespace of its
 * own, configured like production but with silent logs.
 */
export async function startShop(options: ShopOptions = {}): Promise<ShopUnderTest> {
  const database: TestDatabase | undefined = options.database === 'pglite' ? undefined : await createTestDatabase('shop');
  const amqpNamespace = (options.transport ?? testTransport()) === 'amqp' ? testAmqpNamespace('shop') : undefined;
  const broker = amqpNamespace ? { AMQP_URL: TEST_AMQP_URL, AMQP_NAMESPACE: amqpNamespace } : {};
  const env = testEnv({ DATABASE_URL: database?.url, ADMIN_EMAIL, ADMIN_PASSWORD, ...broker, ...options.env });
  const app = await createTestApp(monolithApp, { env });
  const tokens = app.get(TokenService);
  return {
    app,
    env,
    http: () => request(app.getHttpServer()),
    sql: (query, params) => app.get<DataSource>(dataSourceToken('catalog')).query(query, params),
    bearer: (roles = ['customer'], userId = randomUUID()) => `Bearer ${tokens.issue({ id: userId, roles }).accessToken}`,
    close: async () => {
      await app.close();
      await database?.drop();
      if (amqpNamespace) await deleteAmqpNamespace(amqpNamespace, { contexts: CONTEXTS });
    },
  };
}
