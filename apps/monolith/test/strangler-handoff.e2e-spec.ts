import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { eventually, holdLock } from '@shop/testing';
import { ShopClient } from './support/shop-client.js';
import { startStrangledShop, type StrangledShop } from './support/strangled-shop.js';

/**
 * Handing ordering's data to order-service's own database and back, with two order-service
 * instances as processes on PostgreSQL and RabbitMQ.
 */
describe('strangler handoff of ordering', () => {
  let shop: StrangledShop;
  let client: ShopClient;
  let own: pg.Pool;
  const customerId = randomUUID();
  let customer: string;

  beforeAll(async () => {
    shop = await startStrangledShop('service', { ownDatabase: true, services: 2 });
    client = new ShopClient(shop.http, shop.admin);
    own = new pg.Pool({ connectionString: shop.ownDatabase!.url, max: 2 });
    customer = shop.bearer(['customer'], customerId);
  }, 90_000);
  afterAll(async () => {
    await own?.end();
    await shop?.close();
  });

  const admin = () => shop.admin;
  const schemasOf = async (query: (sql: string) => Promise<Array<Record<string, unknown>>>) =>
    (await query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'ordering%' ORDER BY nspname")).map((row) => row.nspname as string);
  const sharedSchemas = () => schemasOf((sql) => shop.sql(sql));
  const ownSchemas = () => schemasOf(async (sql) => (await own.query(sql)).rows);
  const ordersOwn = async (): Promise<number> => Number((await own.query('SELECT count(*) AS n FROM ordering.orders')).rows[0].n);
  const route = async () =>
    (await shop.http().get('/api/v1/admin/strangler/routes').set('Authorization', admin()).expect(200)).body.routes[0];

  const placeSettled = async (product: string) => {
    const placed = await client.placeOrder(customer, [{ productId: product, quantity: 1 }], randomUUID());
    expect(placed.status).toBe(201);
    expect(placed.headers['x-served-by']).toBe('order-service');
    return client.waitForSettled(customer, placed.body.id);
  };

  it('hands the data off: counts and hashes equal, ordering retired, served from its own database, the shared copy kept', async () => {
    const product = await client.createProduct({ stock: 100 });
    for (let i = 0; i < 3; i += 1) expect((await placeSettled(product)).status).toBe('CONFIRMED');

    const handoff = await shop.handoff('out');

    expect(handoff).toMatchObject({ direction: 'out', status: 'done', step: 'done' });
    const tables = (
      handoff.figures as { tables: Record<string, { sourceRows: number; targetRows: number; sourceHash: string; targetHash: string }> }
    ).tables;
    expect(Object.keys(tables).sort()).toEqual(['idempotency_keys', 'inbox', 'migrations', 'orders', 'outbox', 'product_prices']);
    for (const figures of Object.values(tables)) {
      expect(figures.targetRows).toBe(figures.sourceRows);
      expect(figures.targetHash).toBe(figures.sourceHash);
    }
    expect(tables.orders!.sourceRows).toBe(3);
    expect((handoff.figures as { freezeMs: number }).freezeMs).toBeGreaterThan(0);
    expect(await route()).toMatchObject({ mode: 'retired', percent: 100 });
    expect(await ordersOwn()).toBe(3);
    expect(await sharedSchemas()).toEqual([expect.stringMatching(/^ordering_retired_\d{14}$/)]);

    // The saga goes on in the own database: a new order settles, catalog and payments answering it.
    expect((await placeSettled(product)).status).toBe('CONFIRMED');
    expect(await ordersOwn()).toBe(4);
    const listed = await shop.http().get('/api/v1/orders').set('Authorization', customer).expect(200);
    expect(listed.headers['x-served-by']).toBe('order-service');
    expect(listed.body.total).toBe(4);
  }, 90_000);

  it('refuses any other mode while retired, saying why and how to hand it back', async () => {
    const response = await shop
      .http()
      .put('/api/v1/admin/strangler/routes/ordering')
      .set('Authorization', admin())
      .send({ mode: 'monolith' });
    expect(response.status).toBe(409);
    expect(response.body.type).toMatch(/\/context-retired$/);
    expect(response.body.detail).toContain('npm run strangler -- handoff ordering --back');
  });

  it('serves ordering from order-service alone while retired: with it away, reads and writes get 503, nothing falls back', async () => {
    await Promise.all(shop.orderServices.map((service) => service.stop()));
    try {
      const product = await client.createProduct();
      const read = await shop.http().get('/api/v1/orders').set('Authorization', customer);
      expect(read.status).toBe(503);
      expect(Number(read.headers['retry-after'])).toBeGreaterThan(0);
      expect(read.headers['x-served-by']).toBe('order-service');
      const write = await shop
        .http()
        .post('/api/v1/orders')
        .set('Authorization', customer)
        .send({ items: [{ productId: product, quantity: 1 }] });
      expect(write.status).toBe(503);
      expect(Number(write.headers['retry-after'])).toBeGreaterThan(0);
      const unauthenticated = await shop.http().get('/api/v1/orders');
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.headers['x-served-by']).toBe('order-service');
    } finally {
      await Promise.all(shop.orderServices.map((service) => service.start()));
    }
    await eventually(
      async () => ((await shop.http().get('/api/v1/orders').set('Authorization', customer)).status === 200 ? true : undefined),
      15_000,
      'order-service serving again',
    );
  }, 60_000);

  it('hands the data back: service mode on the shared schema, with what was written meanwhile; then monolith mode again', async () => {
    const handoff = await shop.handoff('back');

    expect(handoff).toMatchObject({ direction: 'back', status: 'done', step: 'done' });
    expect(await route()).toMatchObject({ mode: 'service', percent: 100 });
    expect((await sharedSchemas()).filter((schema) => schema === 'ordering')).toEqual(['ordering']);
    expect(await ownSchemas()).toEqual([expect.stringMatching(/^ordering_retired_\d{14}$/)]);
    expect(Number((await shop.sql('SELECT count(*) AS n FROM ordering.orders'))[0]!.n)).toBe(4);

    await shop.route('monolith');
    const listed = await shop.http().get('/api/v1/orders').set('Authorization', customer).expect(200);
    expect(listed.headers['x-served-by']).toBe('monolith');
    expect(listed.body.total).toBe(4);
    await shop.route('service');
  }, 90_000);

  it('aborts a handoff whose copy does not verify, and leaves everything as it was', async () => {
    const held = await shop.handoff('out', { until: 'copied' });
    expect(held).toMatchObject({ status: 'held', step: 'copied' });
    // Writes are refused while the data is frozen for the copy.
    const product = await client.createProduct();
    const frozenWrite = await shop
      .http()
      .post('/api/v1/orders')
      .set('Authorization', customer)
      .send({ items: [{ productId: product, quantity: 1 }] });
    expect(frozenWrite.status).toBe(503);
    expect(frozenWrite.body.type).toMatch(/\/context-frozen$/);

    await own.query('UPDATE ordering.orders SET total_cents = total_cents + 1 WHERE id = (SELECT id FROM ordering.orders LIMIT 1)');
    const failed = await shop.handoff('out', { resume: true });

    expect(failed).toMatchObject({ status: 'failed', step: 'copied', error: expect.stringContaining('orders') });
    expect(await route()).toMatchObject({ mode: 'service' });
    expect((await sharedSchemas()).includes('ordering')).toBe(true);
    expect((await placeSettled(product)).status).toBe('CONFIRMED');
  }, 90_000);

  it('survives a kill -9 of the instance copying: the handoff is interrupted, frozen, and resumed to the end', async () => {
    const product = await client.createProduct();
    await shop.handoff('out', { until: 'prepared' });
    const ownOrdersBefore = await ordersOwn(); // a failed handoff's copy, left unused
    const sharedOrders = Number((await shop.sql('SELECT count(*) AS n FROM ordering.orders'))[0]!.n);
    expect(sharedOrders).not.toBe(ownOrdersBefore);
    // Tables are copied in name order, product_prices last: a lock held on it in the source keeps the copy waiting
    // there, with the orders copied into its uncommitted transaction on the target.
    let killed: (typeof shop.orderServices)[number] | undefined;
    const releaseSource = await holdLock(shop.env.DATABASE_URL!, 'LOCK TABLE ordering.product_prices IN ACCESS EXCLUSIVE MODE');
    try {
      const resumed = await shop.http().post('/api/v1/admin/strangler/handoffs/ordering/resume').set('Authorization', admin());
      expect(resumed.status).toBe(200);
      await eventually(async () => {
        const waiting = await shop.sql(
          "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'COPY %product_prices%'",
        );
        return waiting.length === 1 || undefined;
      }, 10_000);
      const { body: handoff } = await shop.http().get('/api/v1/admin/strangler/handoffs/ordering').set('Authorization', admin());
      const { body: instances } = await shop.http().get('/api/v1/admin/strangler/instances').set('Authorization', admin()).expect(200);
      const pid = instances.instances.find((instance: { id: string }) => instance.id === handoff.driver).report.pid as number;
      const victim = shop.orderServices.find((service) => service.pid === pid)!;
      await victim.kill();
      killed = victim;
    } finally {
      await releaseSource();
    }

    const interrupted = await eventually(async () => {
      const { body } = await shop.http().get('/api/v1/admin/strangler/handoffs/ordering').set('Authorization', admin());
      return body.status === 'interrupted' ? body : undefined;
    }, 10_000);
    expect(interrupted.step).toBe('prepared'); // it died before the copy was complete
    expect(await ordersOwn()).toBe(ownOrdersBefore); // and its transaction on the target died with it
    const frozenWrite = await shop
      .http()
      .post('/api/v1/orders')
      .set('Authorization', customer)
      .send({ items: [{ productId: product, quantity: 1 }] });
    expect(frozenWrite.status).toBe(503);
    expect(frozenWrite.body.type).toMatch(/\/context-frozen$/);

    const done = await shop.handoff('out', { resume: true });
    expect(done).toMatchObject({ status: 'done', step: 'done' });
    expect(await route()).toMatchObject({ mode: 'retired' });
    await killed!.start();
    expect((await placeSettled(product)).status).toBe('CONFIRMED');
  }, 120_000);
});
