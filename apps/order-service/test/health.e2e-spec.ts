import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createTestApp, createTestDatabase, testConfig, type TestDatabase } from '@shop/platform/testing';
import { OrderServiceModule } from '../src/order-service.module.js';

describe('order-service shell (PostgreSQL)', () => {
  let database: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    database = await createTestDatabase('order_service');
    app = await createTestApp([OrderServiceModule.forRoot(testConfig({ DATABASE_URL: database.url }))]);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('answers /health/live', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200);
  });

  it('answers /health/ready', async () => {
    const response = await request(app.getHttpServer()).get('/health/ready');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
  });

  it('speaks problem+json like the monolith', async () => {
    const response = await request(app.getHttpServer()).get('/api/v1/nope');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
  });
});
