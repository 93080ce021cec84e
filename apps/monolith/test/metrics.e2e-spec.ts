import { randomBytes, randomUUID } from 'node:crypto';
import { ShopClient } from './support/shop-client.js';
import { startShop, type ShopUnderTest } from './support/shop.js';
import { startStrangledShop, type StrangledShop } from './support/strangled-shop.js';

const SCRAPE_TOKEN = randomBytes(32).toString('base64url');

/** `name{labels} value` lines of a Prometheus text exposition. */
function samples(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

function value(text: string, name: string, labels: Record<string, string>): number | undefined {
  return samples(text).find((s) => s.name === name && Object.entries(labels).every(([key, v]) => s.labels[key] === v))?.value;
}

describe('GET /metrics', () => {
  describe('with ordering moved between the service and the monolith', () => {
    let shop: StrangledShop;
    let client: ShopClient;
    const scrape = async (token = `Bearer ${SCRAPE_TOKEN}`) =>
      (await shop.http().get('/metrics').set('Authorization', token).expect(200)).text;

    beforeAll(async () => {
      const env = { METRICS_SCRAPE_TOKEN: SCRAPE_TOKEN };
      shop = await startStrangledShop('service', { env, serviceEnv: env });
      client = new ShopClient(shop.http, shop.admin);
    }, 120_000);
    afterAll(() => shop?.close());

    it('counts 7 reads served by order-service and 3 by the monolith, by route template, mode and status class', async () => {
      const customer = shop.bearer();
      const product = await client.createProduct();
      const placed = await client.placeOrder(customer, [{ productId: product, quantity: 1 }]);
      expect(placed.status).toBe(201);
      const read = () => shop.http().get(`/api/v1/orders/${placed.body.id}`).set('Authorization', customer).expect(200);
      for (let i = 0; i < 7; i += 1) await read();
      await shop.route('monolith');
      for (let i = 0; i < 3; i += 1) await read();

      const text = await scrape();
      const reads = {
        name: 'shop_http_requests_total',
        route: '/api/v1/orders/:id',
        method: 'GET',
        status_class: '2xx',
        context: 'ordering',
      };
      const { name, ...labels } = reads;
      expect(value(text, name, { ...labels, served_by: 'order-service', mode: 'service' })).toBe(7);
      expect(value(text, name, { ...labels, served_by: 'monolith', mode: 'monolith' })).toBe(3);
      expect(value(text, 'shop_http_request_duration_seconds_count', { ...labels, served_by: 'order-service', mode: 'service' })).toBe(7);
      expect(
        value(text, 'shop_strangler_remote_call_duration_seconds_count', { service: 'order-service', outcome: 'ok' }),
      ).toBeGreaterThanOrEqual(8);
      expect(value(text, 'shop_strangler_circuit_state', { service: 'order-service' })).toBe(0);
      expect(value(text, 'shop_strangler_route_mode', { context: 'ordering', mode: 'monolith' })).toBe(1);
      // The saga ran: catalog and payments handled ordering's messages, and the outbox figures are there.
      expect(
        value(text, 'shop_consumer_deliveries_total', { context: 'payments', type: 'payments.TakePayment.v1', outcome: 'handled' }),
      ).toBe(1);
      expect(value(text, 'shop_outbox_backlog', { context: 'catalog' })).toBeDefined();
      expect(value(text, 'shop_saga_orders', { status: 'CONFIRMED' })).toBe(1);
      expect(text).toMatch(/^shop_nodejs_eventloop_lag_seconds /m);
      expect(text).toMatch(/^shop_nodejs_heap_size_used_bytes /m);
    });

    it("is also served on order-service's own port, with its request-reply side and its relay", async () => {
      const response = await fetch(`http://127.0.0.1:${shop.orderService.port}/metrics`, {
        headers: { authorization: `Bearer ${SCRAPE_TOKEN}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      expect(value(text, 'shop_outbox_publish_duration_seconds_count', { context: 'ordering' })).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(/^shop_process_cpu_seconds_total /m);
    });

    it('is readable with an admin token or the scrape credential only', async () => {
      await scrape(shop.admin);
      await shop.http().get('/metrics').expect(401);
      await shop.http().get('/metrics').set('Authorization', `Bearer ${SCRAPE_TOKEN}x`).expect(401);
      const refused = await shop
        .http()
        .get('/metrics')
        .set('Authorization', shop.bearer(['customer']))
        .expect(403);
      expect(refused.headers['content-type']).toMatch(/problem\+json/);
      // The scrape credential opens nothing else.
      await shop.http().get('/api/v1/admin/strangler/routes').set('Authorization', `Bearer ${SCRAPE_TOKEN}`).expect(401);
    });
  });

  describe('label cardinality', () => {
    let shop: ShopUnderTest;

    beforeAll(async () => {
      shop = await startShop({ transport: 'in-process' });
    }, 60_000);
    afterAll(() => shop?.close());

    const scrape = async () =>
      (
        await shop
          .http()
          .get('/metrics')
          .set('Authorization', shop.bearer(['admin']))
          .expect(200)
      ).text;
    const seriesCount = async () => samples(await scrape()).filter((s) => s.name.startsWith('shop_http_')).length;

    /** One of five kinds of request, each to a URL or id never seen before (over one listening socket: fetch, not supertest). */
    const randomRequest = (base: string, customer: string, i: number): Promise<unknown> => {
      const id = randomUUID();
      const get = (path: string, authorization?: string) =>
        fetch(`${base}${path}`, { headers: authorization ? { authorization } : {} }).then((response) => response.arrayBuffer());
      switch (i % 5) {
        case 0:
          return get(`/${randomBytes(6).toString('hex')}/${id}?q=${i}`);
        case 1:
          return get(`/api/v1/orders/${id}`, customer);
        case 2:
          return get(`/api/v1/products/${id}`);
        case 3:
          return get(`/api/v1/orders/${randomBytes(4).toString('hex')}`, customer);
        default:
          return fetch(`${base}/api/v${i}/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(
            (response) => response.arrayBuffer(),
          );
      }
    };

    it('does not grow with 10,000 requests to random URLs and random ids', async () => {
      const customer = shop.bearer();
      await shop.app.listen(0, '127.0.0.1');
      const base = `http://127.0.0.1:${(shop.app.getHttpServer().address() as { port: number }).port}`;
      for (let i = 0; i < 50; i += 1) await randomRequest(base, customer, i);
      await seriesCount(); // a scrape is a request too: its own series exist from the second scrape on
      const before = await seriesCount();
      for (let batch = 0; batch < 100; batch += 1) {
        await Promise.all(Array.from({ length: 100 }, (_, i) => randomRequest(base, customer, batch * 100 + i)));
      }
      const after = await seriesCount();
      expect(after).toBe(before);
      const text = await scrape();
      const counted = samples(text).filter((s) => s.name === 'shop_http_requests_total');
      expect(counted.reduce((sum, s) => sum + s.value, 0)).toBeGreaterThanOrEqual(10_050);
      expect(value(text, 'shop_http_requests_total', { route: 'unmatched', method: 'GET', status_class: '4xx' })).toBe(2010);
    }, 300_000);
  });
});
