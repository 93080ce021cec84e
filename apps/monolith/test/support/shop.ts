import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TokenService } from '@shop/platform';
import { createTestApp, createTestDatabase, testConfig, type TestDatabase } from '@shop/platform/testing';
import { MonolithModule } from '../../src/monolith.module.js';

export const ADMIN_EMAIL = 'admin@shop.test';
export const ADMIN_PASSWORD = 'admin-password-123';

export interface ShopUnderTest {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  /** `Authorization` header value for a fresh (or the given) user id with these roles; no identity round trip. */
  bearer: (roles?: string[], userId?: string) => string;
  close: () => Promise<void>;
}

/**
 * The whole monolith on a fresh database of the real PostgreSQL server (or on in-memory PGlite
 * with `{ database: 'pglite' }`), configured like production but with silent logs.
 */
export async function startShop(options: { database?: 'postgres' | 'pglite'; env?: Record<string, string> } = {}): Promise<ShopUnderTest> {
  const database: TestDatabase | undefined = options.database === 'pglite' ? undefined : await createTestDatabase('shop');
  const config = testConfig({ DATABASE_URL: database?.url, ADMIN_EMAIL, ADMIN_PASSWORD, ...options.env });
  const app = await createTestApp([MonolithModule.forRoot(config)]);
  const tokens = app.get(TokenService);
  return {
    app,
    http: () => request(app.getHttpServer()),
    bearer: (roles = ['customer'], userId = randomUUID()) => `Bearer ${tokens.issue({ id: userId, roles }).accessToken}`,
    close: async () => {
      await app.close();
      await database?.drop();
    },
  };
}

/** Polls until `check` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 3000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
