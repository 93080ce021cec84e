import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { dataSourceToken } from '@shop/platform';
import { ShopClient } from './support/shop-client.js';
import { startStrangledShop, type StrangledShop } from './support/strangled-shop.js';

/** Moves ordering monolith -> service -> monolith while customers keep placing and reading orders. */
describe('switching ordering live', () => {
  let shop: StrangledShop;

  beforeAll(async () => {
    shop = await startStrangledShop('monolith');
  });
  afterAll(() => shop.close());

  it('fails no request and duplicates no order while the route moves and moves back', async () => {
    const client = new ShopClient(shop.http, shop.admin);
    const customers = Array.from({ length: 8 }, () => ({ id: randomUUID() })).map(({ id }) => ({
      id,
      token: shop.bearer(['customer'], id),
    }));
    const product = await client.createProduct({ stock: 100_000 });
    expect((await client.placeOrder(customers[0]!.token, [{ productId: product, quantity: 1 }], 'warm-up')).status).toBe(201);

    const failures: string[] = [];
    const servedBy = new Set<string>();
    let posts = 1;
    let stop = false;
    const worker = async ({ token }: { token: string }) => {
      while (!stop) {
        const placed = await shop
          .http()
          .post('/api/v1/orders')
          .set('Authorization', token)
          .set('Idempotency-Key', randomUUID())
          .send({ items: [{ productId: product, quantity: 1 }] });
        posts += 1;
        if (placed.status !== 201) failures.push(`POST ${placed.status} ${JSON.stringify(placed.body)}`);
        servedBy.add(placed.headers['x-served-by']);
        const read = await shop.http().get(`/api/v1/orders/${placed.body.id}`).set('Authorization', token);
        if (read.status !== 200 || read.body.id !== placed.body.id) failures.push(`GET ${read.status}`);
        servedBy.add(read.headers['x-served-by']);
      }
    };
    const switcher = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await shop.route('service');
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await shop.route('monolith');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      stop = true;
    };
    await Promise.all([switcher(), ...customers.map(worker)]);

    expect(failures).toEqual([]);
    expect([...servedBy].sort()).toEqual(['monolith', 'order-service']);
    const [{ orders }] = await shop.app
      .get<DataSource>(dataSourceToken('ordering'))
      .query('SELECT count(*)::int AS orders FROM ordering.orders WHERE customer_id = ANY($1::uuid[])', [
        customers.map((customer) => customer.id),
      ]);
    expect(orders).toBe(posts);
    expect(posts).toBeGreaterThan(50);
  }, 60_000);
});
