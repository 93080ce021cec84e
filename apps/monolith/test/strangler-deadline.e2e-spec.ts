import { randomUUID } from 'node:crypto';
import { eventually } from '@shop/testing';
import { ShopClient } from './support/shop-client.js';
import { startStrangledShop, type StrangledShop } from './support/strangled-shop.js';

/**
 * A stalled (not dead) order-service: stopped with SIGSTOP, it keeps its connection, so RabbitMQ goes
 * on handing it requests it cannot answer. When it resumes, it reads them; whatever the facade told
 * the caller in the meantime must stay true.
 */
describe('strangler: order-service stalled past the caller deadline', () => {
  let shop: StrangledShop;
  let client: ShopClient;

  beforeAll(async () => {
    shop = await startStrangledShop('service', {
      env: { STRANGLER_TIMEOUT_MS: '800', STRANGLER_BREAKER_COOLDOWN_MS: '1000' },
      serviceLogLevel: 'warn',
    });
    client = new ShopClient(shop.http, shop.admin);
  }, 60_000);
  afterAll(() => shop?.close());

  const ordersOf = async (customerId: string): Promise<number> =>
    Number((await shop.sql('SELECT count(*) AS n FROM ordering.orders WHERE customer_id = $1', [customerId]))[0]!.n);

  it('never applies, once it resumes, a write whose caller was answered 503 while it was stalled', async () => {
    const customerId = randomUUID();
    const customer = shop.bearer(['customer'], customerId);
    const product = await client.createProduct();
    expect((await client.placeOrder(customer, [{ productId: product, quantity: 1 }])).status).toBe(201);

    shop.orderService.pause();
    let resumed = false;
    try {
      const write = await shop
        .http()
        .post('/api/v1/orders')
        .set('Authorization', customer)
        .send({ items: [{ productId: product, quantity: 1 }] });
      expect(write.status).toBe(503);
      expect(write.body.type).toMatch(/\/service-timeout$/);
      expect(write.body.detail).toContain('either applied by then or never will be');
      expect(Number(write.headers['retry-after'])).toBeGreaterThan(0);
      shop.orderService.resume();
      resumed = true;
    } finally {
      if (!resumed) shop.orderService.resume();
    }

    // The resumed process reads the request it was handed while stalled, and refuses it: the path is
    // taken, not assumed.
    await eventually(
      () => (shop.orderService.output.includes('request past its deadline was not applied') ? true : undefined),
      10_000,
      'the refusal',
    );
    expect(await ordersOf(customerId)).toBe(1);
    await eventually(
      async () => ((await client.placeOrder(customer, [{ productId: product, quantity: 1 }])).status === 201 ? true : undefined),
      10_000,
      'order-service serving again',
    );
    expect(await ordersOf(customerId)).toBe(2);
  }, 60_000);
});
