import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { MAX_JSON_DEPTH, PAGE_LIMITS, TokenService } from '@shop/platform';
import { createTestApp, createTestDatabase, type TestDatabase } from '@shop/testing';
import { monolithApp } from '../src/monolith.app.js';
import { ProbeModule } from './probe.module.js';

/** What production refuses to generate (the JWT keys come from testEnv). */
const PRODUCTION_SECRETS = { ADMIN_EMAIL: 'admin@shop.test', ADMIN_PASSWORD: 'admin-password-123' };

describe('platform HTTP conventions (monolith on PostgreSQL)', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let tokens: TokenService;

  beforeAll(async () => {
    database = await createTestDatabase('platform');
    app = await createTestApp(monolithApp, { env: { DATABASE_URL: database.url }, imports: [ProbeModule] });
    tokens = app.get(TokenService);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const http = () => request(app.getHttpServer());
  const bearer = (roles: string[]) => `Bearer ${tokens.issue({ id: '00000000-0000-4000-8000-000000000001', roles }).accessToken}`;

  const expectProblem = (response: request.Response, status: number) => {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toEqual(
      expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) }),
    );
  };

  describe('request id', () => {
    it('echoes a sane X-Request-Id', async () => {
      const response = await http().get('/api/v1/probe/public').set('X-Request-Id', 'abc.DEF_123-x');
      expect(response.headers['x-request-id']).toBe('abc.DEF_123-x');
    });

    it('replaces an unsafe X-Request-Id with a generated one', async () => {
      const response = await http().get('/api/v1/probe/public').set('X-Request-Id', 'bad id with spaces');
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('generates one when none is sent, also on errors', async () => {
      const response = await http().get('/api/v1/nowhere');
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('rejects an over-long id (129 chars) by generating a new one', async () => {
      const response = await http().get('/api/v1/probe/public').set('X-Request-Id', 'a'.repeat(129));
      expect(response.headers['x-request-id']).not.toBe('a'.repeat(129));
    });
  });

  describe('problem+json', () => {
    it('answers an unknown route with 404', async () => {
      const response = await http().get('/api/v1/does-not-exist');
      expectProblem(response, 404);
      expect(response.body.detail).toContain('/api/v1/does-not-exist');
    });

    it('names every bad field on validation errors', async () => {
      const response = await http().post('/api/v1/probe/echo').send({ name: 42, quantity: 0 });
      expectProblem(response, 400);
      expect(new Set(response.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['name', 'quantity']));
    });

    it('rejects unknown fields instead of dropping them', async () => {
      const response = await http().post('/api/v1/probe/echo').send({ name: 'a', quantity: 1, extra: true });
      expectProblem(response, 400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'extra' })]);
    });

    it('rejects missing fields', async () => {
      const response = await http().post('/api/v1/probe/echo').send({});
      expectProblem(response, 400);
    });

    it.each([
      ['text/plain', '{"name":"a","quantity":1}'],
      ['application/x-www-form-urlencoded', 'name=a&quantity=1'],
    ])('answers a body of type %s with 415, as the parser would read no field of it', async (type, body) => {
      const response = await http().post('/api/v1/probe/echo').set('Content-Type', type).send(body);
      expectProblem(response, 415);
      expect(response.body.type).toMatch(/\/unsupported-media-type$/);
    });

    it('answers malformed JSON with 400', async () => {
      const response = await http().post('/api/v1/probe/echo').set('Content-Type', 'application/json').send('{"name": ');
      expectProblem(response, 400);
      expect(response.body.detail).toMatch(/not valid JSON/);
    });

    it('answers a body over 64 KiB with 413', async () => {
      const response = await http()
        .post('/api/v1/probe/echo')
        .send({ name: 'x'.repeat(65 * 1024), quantity: 1 });
      expectProblem(response, 413);
    });

    it('accepts a valid body', async () => {
      await http().post('/api/v1/probe/echo').send({ name: 'ok', quantity: 3 }).expect(201, { name: 'ok', quantity: 3 });
    });

    it.each([
      ['GET', '/nowhere'],
      ['GET', '/favicon.ico'],
      ['POST', '/nowhere/deeper'],
      ['GET', '/api'],
      ['DELETE', '/health/live'],
    ])('answers an unknown route outside or at the edge of /api (%s %s) with 404 problem+json', async (method, path) => {
      const response = await http()[method.toLowerCase() as 'get' | 'post' | 'delete'](path);
      expectProblem(response, 404);
      expect(response.body.type).toMatch(/\/route-not-found$/);
      expect(response.body.detail).toContain(`${method} ${path}`);
    });

    it('answers an unexpected error with a bare 500 that leaks nothing', async () => {
      const response = await http().get('/api/v1/probe/boom');
      expectProblem(response, 500);
      expect(JSON.stringify(response.body)).not.toMatch(/secret internal detail|at .*\.ts/);
    });
  });

  describe('hostile bodies', () => {
    /** `{"a":{"a":...{"a":1}}}`, `depth` objects deep. */
    const nested = (depth: number): string => `${'{"a":'.repeat(depth - 1)}{"a":1}${'}'.repeat(depth - 1)}`;
    const postRaw = (json: string) => http().post('/api/v1/probe/echo').set('Content-Type', 'application/json').send(json);

    it.each([33, 3_000, 10_000])('answers a body nested %i levels deep with 400 problem+json before validation', async (depth) => {
      const response = await postRaw(`{"name":"a","quantity":1,"extra":${nested(depth - 1)}}`);
      expectProblem(response, 400);
      expect(response.body.type).toMatch(/\/nesting-too-deep$/);
      expect(response.body.detail).toContain(`${MAX_JSON_DEPTH} levels`);
    });

    it('counts arrays as levels too', async () => {
      const response = await postRaw(`{"name":"a","quantity":1,"extra":${'['.repeat(32)}${']'.repeat(32)}}`);
      expectProblem(response, 400);
      expect(response.body.type).toMatch(/\/nesting-too-deep$/);
    });

    it('lets a body exactly at the limit through to validation', async () => {
      const response = await postRaw(`{"name":"a","quantity":1,"extra":${nested(MAX_JSON_DEPTH - 1)}}`);
      expectProblem(response, 400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'extra' })]);
    });

    it.each([
      ['__proto__ at the top', '{"name":"a","quantity":1,"__proto__":{"admin":true}}', '__proto__'],
      ['an empty __proto__', '{"name":"a","quantity":1,"__proto__":{}}', '__proto__'],
      ['constructor at the top', '{"name":"a","quantity":1,"constructor":{"prototype":{"admin":true}}}', 'constructor'],
      ['prototype at the top', '{"name":"a","quantity":1,"prototype":1}', 'prototype'],
    ])('rejects %s with 400 naming the field', async (_case, json, field) => {
      const response = await postRaw(json);
      expectProblem(response, 400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field })]);
    });

    it('rejects __proto__ in a query with 400 naming it', async () => {
      const response = await http().get('/api/v1/probe/page?limit=5&__proto__=1');
      expectProblem(response, 400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: '__proto__' })]);
    });

    it.each([
      ['a NUL', 'a\u0000b'],
      ['a C0 control (BEL)', 'a\u0007b'],
      ['DEL', 'a\u007fb'],
      ['a C1 control (NEL)', 'a\u0085b'],
      ['a right-to-left override', 'a\u202eb'],
      ['a left-to-right isolate', '\u2066ab\u2069'],
    ])('rejects %s in a plain-text field with 400 naming the field', async (_case, name) => {
      const response = await http().post('/api/v1/probe/echo').send({ name, quantity: 1 });
      expectProblem(response, 400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'name', message: expect.stringMatching(/control/) })]);
    });

    it('accepts plain text in any script, with marks that are not controls', async () => {
      const name = 'Zoë 東京 שלום\u200f';
      await http().post('/api/v1/probe/echo').send({ name, quantity: 1 }).expect(201, { name, quantity: 1 });
    });
  });

  describe('numeric query parameters', () => {
    it.each([
      ['offset', '1e20'],
      ['offset', String(PAGE_LIMITS.maxOffset + 1)],
      ['offset', '9007199254740993'],
      ['limit', '1e20'],
    ])('answers 400 naming %s when it is %s', async (field, value) => {
      const response = await http().get(`/api/v1/probe/page?${field}=${value}`);
      expectProblem(response, 400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field })]);
    });

    it('accepts the largest offset', async () => {
      await http().get(`/api/v1/probe/page?offset=${PAGE_LIMITS.maxOffset}`).expect(200, { limit: 20, offset: PAGE_LIMITS.maxOffset });
    });
  });

  describe('auth', () => {
    it('lets anyone call a @Public() route', async () => {
      await http().get('/api/v1/probe/public').expect(200, { ok: true });
    });

    it('answers 401 without a token on a protected route', async () => {
      const response = await http().get('/api/v1/probe/protected');
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    });

    it('answers 401 for a garbage token', async () => {
      expectProblem(await http().get('/api/v1/probe/protected').set('Authorization', 'Bearer not.a.jwt'), 401);
    });

    it('passes a valid token and exposes the user', async () => {
      const response = await http()
        .get('/api/v1/probe/protected')
        .set('Authorization', bearer(['customer']));
      expect(response.status).toBe(200);
      expect(response.body.user).toEqual({ id: '00000000-0000-4000-8000-000000000001', roles: ['customer'] });
    });

    it('answers 403 when the role is missing', async () => {
      expectProblem(
        await http()
          .get('/api/v1/probe/admin')
          .set('Authorization', bearer(['customer'])),
        403,
      );
    });

    it('lets an admin through a @Roles("admin") route', async () => {
      await http()
        .get('/api/v1/probe/admin')
        .set('Authorization', bearer(['admin']))
        .expect(200, { admin: true });
    });
  });

  describe('OpenAPI', () => {
    it('serves Swagger UI at /docs', async () => {
      const response = await http().get('/docs');
      expect(response.status).toBe(200);
      expect(response.text).toMatch(/swagger/i);
    });

    it('marks protected routes as needing a bearer token and public ones as needing none', async () => {
      const { body } = await http().get('/docs-json').expect(200);
      expect(body.paths['/api/v1/probe/protected'].get.security).toEqual([{ bearer: [] }]);
      expect(body.paths['/api/v1/probe/public'].get.security).toEqual([]);
      expect(body.paths['/health/ready'].get.security).toEqual([]);
    });

    it('describes error answers as problem+json', async () => {
      const { body } = await http().get('/docs-json').expect(200);
      expect(body.paths['/api/v1/probe/echo'].post.responses['400'].content).toEqual({
        'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } },
      });
    });
  });

  describe('client address', () => {
    it('is the address of the connection, whatever X-Forwarded-For says, when no proxy is trusted', async () => {
      const response = await http().get('/api/v1/probe/client-address').set('X-Forwarded-For', '203.0.113.9').expect(200);
      expect(response.body).toEqual({ address: '127.0.0.1' });
    });

    it('with TRUST_PROXY, is the address the trusted proxy appended to X-Forwarded-For, not what the client wrote before it', async () => {
      const behindProxy = await createTestApp(monolithApp, {
        env: { DATABASE_URL: database.url, TRUST_PROXY: 'loopback' },
        imports: [ProbeModule],
      });
      try {
        const response = await request(behindProxy.getHttpServer())
          .get('/api/v1/probe/client-address')
          .set('X-Forwarded-For', '198.51.100.66, 203.0.113.9')
          .expect(200);
        expect(response.body).toEqual({ address: '203.0.113.9' });
      } finally {
        await behindProxy.close();
      }
    });
  });

  describe('API docs by environment', () => {
    /** The answers to /docs and /docs-json of a second app on the same database, started with `env`. */
    async function docsOf(env: Record<string, string>): Promise<request.Response[]> {
      const other = await createTestApp(monolithApp, { env: { DATABASE_URL: database.url, ...PRODUCTION_SECRETS, ...env } });
      try {
        return [await request(other.getHttpServer()).get('/docs'), await request(other.getHttpServer()).get('/docs-json')];
      } finally {
        await other.close();
      }
    }

    it('are not served in production: 404 problem+json', async () => {
      for (const response of await docsOf({ NODE_ENV: 'production' })) expectProblem(response, 404);
    });

    it('are served in production with API_DOCS=on', async () => {
      expect((await docsOf({ NODE_ENV: 'production', API_DOCS: 'on' })).map((response) => response.status)).toEqual([200, 200]);
    });

    it('are not served with API_DOCS=off', async () => {
      for (const response of await docsOf({ API_DOCS: 'off' })) expectProblem(response, 404);
    });
  });

  describe('health', () => {
    it('answers /health/live without auth', async () => {
      const response = await http().get('/health/live');
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('ok');
    });

    it('answers /health/ready with the database up', async () => {
      const response = await http().get('/health/ready');
      expect(response.status).toBe(200);
      expect(response.body.info.database.status).toBe('up');
    });
  });
});
