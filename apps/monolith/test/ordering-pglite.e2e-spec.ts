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

  it('identity: limits logins on the embedded database too: of 12 parallel wrong passwords, 5 get 401 and 7 get 429', async () => {
    const email = `pglite-${randomUUID()}@shop.test`;
    await shop.http().post('/api/v1/auth/register').send({ email, password: 'correct horse battery' }).expect(201);
    const logIn = () => shop.http().post('/api/v1/auth/login').send({ email, password: 'wrong password' });
    const statuses = (await Promise.all(Array.from({ length: 12 }, logIn))).map(({ status }) => status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(7);
  });
});
