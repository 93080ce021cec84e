import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import {
  createTestApp,
  createTestDatabase,
  deleteAmqpNamespace,
  TEST_AMQP_URL,
  testAmqpNamespace,
  testEnv,
  type TestDatabase,
} from '@shop/testing';
import { ConfigError, prepareApp } from '@shop/platform';
import { orderServiceApp } from '../src/order-service.app.js';

describe('order-service shell (PostgreSQL, RabbitMQ)', () => {
  let database: TestDatabase;
  let app: INestApplication;
  const namespace = testAmqpNamespace('order_service');

  beforeAll(async () => {
    database = await createTestDatabase('order_service');
    app = await createTestApp(orderServiceApp, { env: { DATABASE_URL: database.url, AMQP_URL: TEST_AMQP_URL, AMQP_NAMESPACE: namespace } });
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
    await deleteAmqpNamespace(namespace, { contexts: ['ordering'], services: ['ordering'] });
  });

  it('answers /health/live', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200);
  });

  it('answers /health/ready with the database and the broker up', async () => {
    const response = await request(app.getHttpServer()).get('/health/ready');
    expect(response.status).toBe(200);
    expect(response.body.info).toEqual({
      database: expect.objectContaining({ status: 'up' }),
      broker: expect.objectContaining({ status: 'up' }),
    });
  });

  it('serves no ordering routes over HTTP: the strangler reaches it over RabbitMQ', async () => {
    const response = await request(app.getHttpServer()).get('/api/v1/orders');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
  });

  it('refuses to start without a broker', () => {
    expect(() => prepareApp(orderServiceApp, testEnv({ DATABASE_URL: database.url }))).toThrow(ConfigError);
  });
});
