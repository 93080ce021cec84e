import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import {
  createTestApp,
  createTestDatabase,
  deleteAmqpNamespace,
  TEST_AMQP_URL,
  testAmqpNamespace,
  testConfig,
  type TestDatabase,
} from '@shop/platform/testing';
import { ConfigError } from '@shop/platform';
import { OrderServiceModule } from '../src/order-service.module.js';

describe('order-service shell (PostgreSQL, RabbitMQ)', () => {
  let database: TestDatabase;
  let app: INestApplication;
  const namespace = testAmqpNamespace('order_service');

  beforeAll(async () => {
    database = await createTestDatabase('order_service');
    app = await createTestApp([OrderServiceModule.forRoot(testConfig({ DATABASE_URL: database.url, AMQP_URL: TEST_AMQP_URL, AMQP_NAMESPACE: namespace }))]);
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
    expect(response.body.info).toEqual({ database: expect.objectContaining({ status: 'up' }), broker: expect.objectContaining({ status: 'up' }) });
  });

  it('serves no ordering routes over HTTP: the strangler reaches it over RabbitMQ', async () => {
    const response = await request(app.getHttpServer()).get('/api/v1/orders');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
  });

  it('refuses to start without a broker', () => {
    expect(() => OrderServiceModule.forRoot(testConfig({ DATABASE_URL: database.url }))).toThrow(ConfigError);
  });
});
