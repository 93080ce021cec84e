import { randomUUID } from 'node:crypto';
import { startShop, type ShopUnderTest } from './support/shop.js';
import { ShopClient } from './support/shop-client.js';

describe('the shop on embedded PGlite', () => {
  let shop: ShopUnderTest;

  beforeAll(async () => {
    shop = await startShop({ database: 'pglite' });
  }, 60_000);
  afterAll(() => shop.close());

  it('ordering: places, confirms and cancels an order with every context on PGlite', async () => {
    const client = new ShopClient(shop.http, shop.bearer(['admin']));
    const customer = shop.bearer(['customer'], randomUUID());
    const product = await client.createProduct({ priceCents: 500, stock: 3 });

    const placed = await client.placeOrder(customer, [{ productId: product, quantity: 2 }]);
    expect(placed.status).toBe(201);
    expect((await client.waitForSettled(customer, placed.body.id)).status).toBe('CONFIRMED');
    expect(await client.stockOf(product)).toBe(1);
    expect(await client.paymentsOf(customer, placed.body.id)).toEqual([expect.objectContaining({ status: 'CAPTURED', amountCents: 1000 })]);

    await shop.http().post(`/api/v1/orders/${placed.body.id}/cancel`).set('Authorization', customer).expect(200);
    await client.waitForStock(product, 3);
    await client.waitForPaymentStatus(customer, placed.body.id, 'REFUNDED');
  });

  it('ordering: pages v2 by cursor and counts v1 callers per client on PGlite too', async () => {
    const client = new ShopClient(shop.http, shop.bearer(['admin']));
    const customerId = randomUUID();
    const customer = shop.bearer(['customer'], customerId);
    const product = await client.createProduct({ priceCents: 999, stock: 10 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await client.placeOrder(customer, [{ productId: product, quantity: 1 }])).body.id);

    const first = await shop.http().get('/api/v2/orders?limit=2').set('Authorization', customer).expect(200);
    const second = await shop
      .http()
      .get('/api/v2/orders')
      .query({ limit: 2, cursor: first.body.nextCursor })
      .set('Authorization', customer);
    expect([...first.body.items, ...second.body.items].map((order: { id: string }) => order.id)).toEqual([...ids].reverse());
    expect(second.body.nextCursor).toBeNull();
    expect(first.body.items[0].total).toEqual({ amount: '9.99', currency: 'EUR' });

    const { body } = await shop
      .http()
      .get('/api/v1/admin/api-usage?version=v1')
      .set('Authorization', shop.bearer(['admin']))
      .expect(200);
    expect(body.items.filter((row: { clientId: string }) => row.clientId === customerId)).toEqual([
      expect.objectContaining({ api: 'orders', version: 'v1', calls: 3 }),
    ]);
  });

  it('strangler: plan commands answer, and the shop with them, on PGlite (one session: the plan lock is held in memory)', async () => {
    const admin = shop.bearer(['admin']);
    const plans = '/api/v1/admin/strangler/plans/ordering';

    const set = await shop.http().put(plans).set('Authorization', admin).send({}).timeout(5000);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ status: 'idle', plan: { steps: expect.any(Array) } });
    // Starting needs order-service for the shadow step: refused with the reason, the plan kept, the lock given back.
    const started = await shop.http().put(plans).set('Authorization', admin).send({ start: true }).timeout(5000);
    expect(started.status).toBe(409);
    const paused = await shop.http().post(`${plans}/pause`).set('Authorization', admin).timeout(5000);
    expect(paused.status).toBe(409);
    await shop.http().get('/api/v1/products').timeout(5000).expect(200);
  });

  it('strangler: a tester who asks for the service by name with no broker to reach it gets 503, not the monolith', async () => {
    const tester = shop.bearer(['tester']);
    const asked = await shop.http().get('/api/v1/orders').set('Authorization', tester).set('X-Strangler-Route', 'service');
    expect(asked.status).toBe(503);
    expect(asked.headers['content-type']).toMatch(/^application\/problem\+json/);
    const monolith = await shop.http().get('/api/v1/orders').set('Authorization', tester).set('X-Strangler-Route', 'monolith');
    expect(monolith.status).toBe(200);
    expect(monolith.headers['x-served-by']).toBe('monolith');
  });

  it('identity: limits logins on the embedded database too: of 12 parallel wrong passwords, 5 get 401 and 7 get 429', async () => {
    const email = `pglite-${randomUUID()}@shop.test`;
    await shop.http().post('/api/v1/auth/register').send({ email, password: 'correct horse battery' }).expect(201);
    const logIn = () => shop.http().post('/api/v1/auth/login').send({ email, password: 'wrong password' });
    const statuses = (await Promise.all(Array.from({ length: 12 }, logIn))).map(({ status }) => status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(7);
  });
});
