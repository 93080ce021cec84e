import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { AmqpConnection, AmqpNames, dataSourceToken, RpcClient } from '@shop/platform';
import { inCanary } from '@shop/strangler';
import { createTestApp, eventually, freePort } from '@shop/testing';
import { monolithApp } from '../src/monolith.app.js';
import { startShop, type ShopUnderTest } from './support/shop.js';
import { ShopClient } from './support/shop-client.js';
import { OrderServiceProcess, startStrangledShop, type StrangledShop } from './support/strangled-shop.js';

const ROUTES = '/api/v1/admin/strangler/routes';
const FAST_BREAKER = { STRANGLER_TIMEOUT_MS: '800', STRANGLER_BREAKER_COOLDOWN_MS: '1000' };

describe('strangler with a broker but no order-service running', () => {
  let shop: ShopUnderTest;
  let admin: string;

  beforeAll(async () => {
    shop = await startShop({ transport: 'amqp', env: { ...FAST_BREAKER, STRANGLER_ORDERING: 'service' } });
    admin = shop.bearer(['admin']);
  });
  afterAll(() => shop.close());

  it('boots ordering in the mode STRANGLER_ORDERING gives when none is persisted', async () => {
    const { body } = await shop.http().get(ROUTES).set('Authorization', admin).expect(200);
    expect(body.routes).toEqual([expect.objectContaining({ context: 'ordering', mode: 'service', percent: 100, updatedBy: 'boot' })]);
  });

  it('answers 409 when switching to a service mode with no live service', async () => {
    const response = await shop.http().put(`${ROUTES}/ordering`).set('Authorization', admin).send({ mode: 'shadow' });
    expect(response.status).toBe(409);
    expect(response.body.detail).toMatch(/No live order-service/);
  });

  it('serves reads from the monolith within the timeout, and refuses writes with 503 and Retry-After, applying nothing', async () => {
    const customer = shop.bearer(['customer']);
    const started = Date.now();
    const read = await shop.http().get('/api/v1/orders').set('Authorization', customer);
    expect(read.status).toBe(200);
    expect(read.headers['x-served-by']).toBe('monolith');
    expect(Date.now() - started).toBeLessThan(800 + 500);

    const client = new ShopClient(shop.http, admin);
    const product = await client.createProduct();
    const write = await shop
      .http()
      .post('/api/v1/orders')
      .set('Authorization', customer)
      .set('Idempotency-Key', 'k1')
      .send({ items: [{ productId: product, quantity: 1 }] });
    expect(write.status).toBe(503);
    expect(write.headers['retry-after']).toBe('1');
    expect(write.headers['content-type']).toMatch(/problem\+json/);
    // It was sent and nobody answered: the answer does not claim to know more than that.
    expect(write.body.type).toMatch(/\/service-timeout$/);
    expect(write.body.detail).not.toMatch(/not applied/);
    expect(await client.orderCount(customer)).toBe(0);
  });

  it('fails fast once the circuit is open, and then says a write was not applied (it never left)', async () => {
    const customer = shop.bearer(['customer']);
    for (let i = 0; i < 3; i += 1) await shop.http().get('/api/v1/orders').set('Authorization', customer);
    const started = Date.now();
    const read = await shop.http().get('/api/v1/orders').set('Authorization', customer);
    expect(read.headers['x-served-by']).toBe('monolith');
    expect(Date.now() - started).toBeLessThan(200);

    const product = await new ShopClient(shop.http, admin).createProduct();
    const write = await shop
      .http()
      .post('/api/v1/orders')
      .set('Authorization', customer)
      .send({ items: [{ productId: product, quantity: 1 }] });
    expect(write.status).toBe(503);
    expect(write.body.type).toMatch(/\/service-unavailable$/);
    expect(write.body.detail).toContain('The request was not applied');
  });
});

describe('strangler routing with order-service running', () => {
  let shop: StrangledShop;
  let client: ShopClient;

  beforeAll(async () => {
    shop = await startStrangledShop('monolith', { env: FAST_BREAKER });
    client = new ShopClient(shop.http, shop.admin);
  });
  afterAll(() => shop.close());

  it('switches ordering to the service and records it', async () => {
    await shop.route('service');
    const customer = shop.bearer(['customer']);
    const response = await shop.http().get('/api/v1/orders').set('Authorization', customer).expect(200);
    expect(response.headers['x-served-by']).toBe('order-service');
    const [change] = await shop.app
      .get<DataSource>(dataSourceToken('strangler'))
      .query('SELECT * FROM strangler.audit ORDER BY id DESC LIMIT 1');
    expect(change).toMatchObject({ from_mode: 'monolith', to_mode: 'service', to_percent: 100 });
  });

  it('carries the request id into the service and the events it publishes', async () => {
    await shop.route('service');
    const customer = shop.bearer(['customer']);
    const product = await client.createProduct();
    await eventually(async () =>
      (await client.placeOrder(customer, [{ productId: product, quantity: 1 }], 'warm')).status === 201 ? true : undefined,
    );
    const requestId = `trace-${randomUUID()}`;
    const placed = await shop
      .http()
      .post('/api/v1/orders')
      .set('Authorization', customer)
      .set('X-Request-Id', requestId)
      .send({ items: [{ productId: product, quantity: 1 }] });
    expect(placed.status).toBe(201);
    expect(placed.headers['x-served-by']).toBe('order-service');
    expect(placed.headers['x-request-id']).toBe(requestId);
    const [event] = await shop.app
      .get<DataSource>(dataSourceToken('ordering'))
      .query("SELECT correlation_id FROM ordering.outbox WHERE type = 'ordering.OrderPlaced' AND payload->>'orderId' = $1", [
        placed.body.id,
      ]);
    expect(event.correlation_id).toBe(requestId);
  });

  it('has the service verify the caller token itself', async () => {
    const connection = new AmqpConnection(shop.env.AMQP_URL!);
    await connection.start();
    await connection.waitUntilConnected(5000);
    const rpc = new RpcClient(connection, new AmqpNames(shop.env.AMQP_NAMESPACE!), `spec-${randomUUID().slice(0, 6)}`);
    await rpc.start();
    try {
      const victim = randomUUID();
      const forged = { route: 'ordering.ListOrders.v1', payload: { caller: { id: victim, roles: ['admin'] }, limit: 20, offset: 0 } };
      const withoutToken = await rpc.call<{ ok: boolean; problem?: { status: number } }>('ordering', { ...forged, headers: {} }, 3000);
      expect(withoutToken).toEqual({
        ok: false,
        problem: expect.objectContaining({ status: 401 }),
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
      const badToken = await rpc.call<{ ok: boolean; problem?: { status: number } }>(
        'ordering',
        { ...forged, headers: { authorization: 'Bearer forged.token.here' } },
        3000,
      );
      expect(badToken.problem?.status).toBe(401);
      // With a real token the caller is the token's subject, whatever the payload claims.
      const realUser = randomUUID();
      const real = await rpc.call<{ ok: boolean; value: { items: unknown[]; total: number } }>(
        'ordering',
        { ...forged, headers: { authorization: shop.bearer(['customer'], realUser) } },
        3000,
      );
      expect(real).toEqual({ ok: true, value: { items: [], total: 0, limit: 20, offset: 0 } });
    } finally {
      await rpc.close();
      await connection.close();
    }
  });

  it('sends the same user to the same side in canary, and about half of the users to each side at 50%', async () => {
    await shop.route('canary', 50);
    const users = Array.from({ length: 12 }, () => randomUUID());
    for (const user of users) {
      const token = shop.bearer(['customer'], user);
      const sides = new Set<string>();
      for (let i = 0; i < 3; i += 1)
        sides.add((await shop.http().get('/api/v1/orders').set('Authorization', token)).headers['x-served-by']);
      expect([...sides]).toEqual([inCanary(user, 50) ? 'order-service' : 'monolith']);
    }
  });

  it('mirrors reads in shadow mode but never writes', async () => {
    await shop.route('shadow');
    const customer = shop.bearer(['customer']);
    const product = await client.createProduct();
    const placed = await client.placeOrder(customer, [{ productId: product, quantity: 1 }]);
    expect(placed.headers['x-served-by']).toBe('monolith');
    await client.getOrder(customer, placed.body.id).expect(200);
    const counts = await eventually(async () => {
      const { body } = await shop.http().get('/api/v1/admin/strangler/shadow').set('Authorization', shop.admin).expect(200);
      return body.ordering?.['ordering.GetOrder.v1']?.matches >= 1 ? body.ordering : undefined;
    });
    expect(Object.keys(counts).sort()).toEqual(['ordering.GetOrder.v1']);
  });

  it('falls back to the monolith for reads while order-service is down, 503s writes, and recovers by itself', async () => {
    await shop.route('service');
    const customer = shop.bearer(['customer']);
    const product = await client.createProduct();
    await eventually(async () =>
      (await client.placeOrder(customer, [{ productId: product, quantity: 1 }], 'before')).status === 201 ? true : undefined,
    );
    await shop.orderService.stop();

    const read = await shop.http().get('/api/v1/orders').set('Authorization', customer);
    expect(read.status).toBe(200);
    expect(read.headers['x-served-by']).toBe('monolith');
    expect(read.body.total).toBe(1);
    const write = await shop
      .http()
      .post('/api/v1/orders')
      .set('Authorization', customer)
      .set('Idempotency-Key', 'during')
      .send({ items: [{ productId: product, quantity: 1 }] });
    expect(write.status).toBe(503);
    expect(Number(write.headers['retry-after'])).toBeGreaterThan(0);

    await shop.orderService.start();
    await eventually(
      async () =>
        (await shop.http().get('/api/v1/orders').set('Authorization', customer)).headers['x-served-by'] === 'order-service'
          ? true
          : undefined,
      10_000,
      'route recovered',
    );
    const retried = await shop
      .http()
      .post('/api/v1/orders')
      .set('Authorization', customer)
      .set('Idempotency-Key', 'during')
      .send({ items: [{ productId: product, quantity: 1 }] });
    expect(retried.status).toBe(201);
    expect(await client.orderCount(customer)).toBe(2);
  }, 60_000);

  it('runs as several order-service instances that share the work, so losing one fails nothing', async () => {
    await shop.route('service');
    const second = new OrderServiceProcess(shop.env, await freePort());
    await second.start();
    try {
      const customer = shop.bearer(['customer']);
      await shop.orderService.stop();
      for (let i = 0; i < 10; i += 1) {
        const response = await shop.http().get('/api/v1/orders').set('Authorization', customer);
        expect(response.status).toBe(200);
        expect(response.headers['x-served-by']).toBe('order-service');
      }
    } finally {
      await shop.orderService.start();
      await second.stop();
    }
  }, 60_000);

  it('persists the route: another monolith instance on the same database follows within a second', async () => {
    await shop.route('monolith');
    const other: INestApplication = await createTestApp(monolithApp, { env: shop.env });
    try {
      const customer = shop.bearer(['customer']);
      const servedByOther = async () =>
        (await request(other.getHttpServer()).get('/api/v1/orders').set('Authorization', customer)).headers['x-served-by'];
      expect(await servedByOther()).toBe('monolith');
      await shop.route('service');
      const switched = Date.now();
      await eventually(async () => ((await servedByOther()) === 'order-service' ? true : undefined), 1000, 'the other instance follows');
      expect(Date.now() - switched).toBeLessThan(1000);
    } finally {
      await other.close();
    }
  });
});
