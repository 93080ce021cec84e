import { randomUUID } from 'node:crypto';
import { startShop, type ShopUnderTest } from './support/shop.js';
import { ShopClient } from './support/shop-client.js';

describe('ordering happy path on embedded PGlite', () => {
  let shop: ShopUnderTest;

  beforeAll(async () => {
    shop = await startShop({ database: 'pglite' });
  }, 60_000);
  afterAll(() => shop.close());

  it('places, confirms and cancels an order with every context on PGlite', async () => {
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
});
