import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { TokenService } from '@shop/platform';
import { createTestApp, createTestDatabase, eventually } from '@shop/testing';
import { monolithApp } from '../src/monolith.app.js';
import { startShop, type ShopUnderTest } from './support/shop.js';
import { ShopClient } from './support/shop-client.js';

/** Settings that differ from the defaults, so that each answer below proves it read them. */
const ENV = {
  ORDERING_CURRENCY: 'USD',
  ORDERS_V1_DEPRECATION: '2027-01-15T12:00:00Z',
  ORDERS_V1_SUNSET: '2027-09-30',
  API_USAGE_FLUSH_SECONDS: '1',
};
const V1_HEADERS = { deprecation: '@1800014400', sunset: 'Thu, 30 Sep 2027 00:00:00 GMT' };

interface OrderV2 {
  id: string;
  items: Array<{ productId: string; quantity: number; unitPrice: { amount: string; currency: string } }>;
  total: { amount: string; currency: string };
}

/**
 * /api/v1/orders and /api/v2/orders side by side on one monolith (PostgreSQL): money in v2, cursor
 * pages, the deprecation headers of v1, and v1's callers counted per client.
 */
describe('orders API versions', () => {
  let shop: ShopUnderTest;
  let client: ShopClient;
  let admin: string;

  beforeAll(async () => {
    shop = await startShop({ env: ENV });
    admin = shop.bearer(['admin']);
    client = new ShopClient(shop.http, admin);
  });
  afterAll(() => shop.close());

  const placeV2 = (customer: string, productId: string, quantity = 1) =>
    shop
      .http()
      .post('/api/v2/orders')
      .set('Authorization', customer)
      .send({ items: [{ productId, quantity }] });

  const expectProblem = (response: request.Response, status: number) => {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  };

  describe('money in v2', () => {
    it('shows 999 cents as "9.99" and 100000 as "1000.00" in the configured currency, from the order v1 shows in cents', async () => {
      const customer = shop.bearer(['customer']);
      const cheap = await client.createProduct({ priceCents: 999, stock: 5 });
      const dear = await client.createProduct({ priceCents: 50_000, stock: 5 });
      await client.placeOrder(customer, [{ productId: cheap, quantity: 1 }]); // both products are orderable now

      const placedCheap = await placeV2(customer, cheap);
      expect(placedCheap.status).toBe(201);
      expect(placedCheap.body.total).toEqual({ amount: '9.99', currency: 'USD' });
      expect(placedCheap.body.items).toEqual([{ productId: cheap, quantity: 1, unitPrice: { amount: '9.99', currency: 'USD' } }]);
      expect(placedCheap.body).not.toHaveProperty('totalCents');

      const placedDear = await client.placeOrder(customer, [{ productId: dear, quantity: 2 }]);
      const dearV2 = await shop.http().get(`/api/v2/orders/${placedDear.body.id}`).set('Authorization', customer).expect(200);
      expect(dearV2.body).toMatchObject({ id: placedDear.body.id, total: { amount: '1000.00', currency: 'USD' } });
      expect(dearV2.body.items[0].unitPrice).toEqual({ amount: '500.00', currency: 'USD' });
      expect(typeof dearV2.body.total.amount).toBe('string');

      const dearV1 = await shop.http().get(`/api/v1/orders/${placedDear.body.id}`).set('Authorization', customer).expect(200);
      expect(dearV1.body).toMatchObject({ totalCents: 100_000, items: [{ productId: dear, quantity: 2, unitPriceCents: 50_000 }] });
      expect(dearV1.body).not.toHaveProperty('total');
    });
  });

  describe('cursor pages in v2', () => {
    it('walks 45 orders 20 + 20 + 5 with no duplicate and no gap while new orders are placed between pages', async () => {
      const customer = shop.bearer(['customer']);
      const product = await client.createProduct({ stock: 100 });
      const placed: string[] = [(await client.placeOrder(customer, [{ productId: product, quantity: 1 }])).body.id];
      for (let i = 1; i < 45; i += 1) placed.push((await placeV2(customer, product)).body.id);
      const newestFirst = [...placed].reverse();

      const page = (cursor?: string) =>
        shop
          .http()
          .get('/api/v2/orders')
          .query({ limit: 20, ...(cursor ? { cursor } : {}) })
          .set('Authorization', customer)
          .expect(200);
      const first = await page();
      await placeV2(customer, product);
      await placeV2(customer, product);
      const second = await page(first.body.nextCursor);
      await placeV2(customer, product);
      const third = await page(second.body.nextCursor);

      expect([first, second, third].map(({ body }) => body.items.length)).toEqual([20, 20, 5]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      expect(second.body.nextCursor).toEqual(expect.any(String));
      expect(third.body.nextCursor).toBeNull();
      const walked = [first, second, third].flatMap(({ body }) => body.items.map((order: OrderV2) => order.id));
      expect(walked).toEqual(newestFirst);
    });

    it('answers the first page without a cursor, limit 20 by default, and an empty last page with no cursor', async () => {
      const customer = shop.bearer(['customer']);
      const empty = await shop.http().get('/api/v2/orders').set('Authorization', customer).expect(200);
      expect(empty.body).toEqual({ items: [], nextCursor: null });
    });

    it('never shows a cursor made from another customer order anything of theirs', async () => {
      const alice = shop.bearer(['customer']);
      const bob = shop.bearer(['customer']);
      const product = await client.createProduct({ stock: 10 });
      await client.placeOrder(alice, [{ productId: product, quantity: 1 }]);
      await placeV2(alice, product);
      const aliceFirst = await shop.http().get('/api/v2/orders?limit=1').set('Authorization', alice).expect(200);
      const asBob = await shop.http().get('/api/v2/orders').query({ cursor: aliceFirst.body.nextCursor }).set('Authorization', bob);
      expect(asBob.status).toBe(200);
      expect(asBob.body).toEqual({ items: [], nextCursor: null });
    });

    describe('a cursor this API did not answer is a 400 naming the cursor', () => {
      let cursor: string;
      let customer: string;

      beforeAll(async () => {
        customer = shop.bearer(['customer']);
        const product = await client.createProduct({ stock: 10 });
        await client.placeOrder(customer, [{ productId: product, quantity: 1 }]);
        await placeV2(customer, product);
        cursor = (await shop.http().get('/api/v2/orders?limit=1').set('Authorization', customer).expect(200)).body.nextCursor;
      });

      const flip = (text: string, at: number) => `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
      const cases: Array<[string, () => string]> = [
        ['not base64url', () => 'not a cursor!'],
        ['empty', () => ''],
        ['one character edited in the time', () => flip(cursor, 5)],
        ['one character edited in the id', () => flip(cursor, 20)],
        ['truncated', () => cursor.slice(0, -1)],
        ['one character longer', () => `${cursor}A`],
        [
          'base64url of JSON',
          () => Buffer.from(JSON.stringify({ createdAt: new Date().toISOString(), id: randomUUID() })).toString('base64url'),
        ],
        [
          'a cursor-sized random value',
          () => Buffer.from(Array.from({ length: 29 }, (_, i) => (i === 0 ? 1 : (i * 37) % 256))).toString('base64url'),
        ],
      ];

      it.each(cases)('%s', async (_case, cursorOf) => {
        const response = await shop.http().get('/api/v2/orders').query({ cursor: cursorOf() }).set('Authorization', customer);
        expectProblem(response, 400);
        expect(response.body.errors).toEqual([{ field: 'cursor', message: 'cursor must be a nextCursor this API answered' }]);
      });

      it('names every bad field at once: a bad limit and a bad cursor', async () => {
        const response = await shop.http().get('/api/v2/orders').query({ limit: 0, cursor: 'x' }).set('Authorization', customer);
        expectProblem(response, 400);
        expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['cursor', 'limit']);
      });

      it.each([['limit=101'], ['offset=20'], ['after=x'], ['cursor=a&cursor=b']])('refuses %s', async (query) => {
        expectProblem(await shop.http().get(`/api/v2/orders?${query}`).set('Authorization', customer), 400);
      });

      it('takes the untouched cursor', async () => {
        const response = await shop.http().get('/api/v2/orders').query({ cursor }).set('Authorization', customer).expect(200);
        expect(response.body.items).toHaveLength(1);
      });
    });
  });

  describe('deprecation of v1', () => {
    let customer: string;
    let orderId: string;

    beforeAll(async () => {
      customer = shop.bearer(['customer']);
      const product = await client.createProduct();
      orderId = (await client.placeOrder(customer, [{ productId: product, quantity: 1 }])).body.id;
    });

    const expectDeprecated = (response: request.Response, successor: string) => {
      expect(response.headers).toMatchObject({ ...V1_HEADERS, link: `<${successor}>; rel="successor-version"` });
    };

    it('marks every v1 answer, errors included, with the configured dates and the same resource in v2', async () => {
      expectDeprecated(await shop.http().get('/api/v1/orders').set('Authorization', customer).expect(200), '/api/v2/orders');
      expectDeprecated(await shop.http().get('/api/v1/orders?limit=1').set('Authorization', customer).expect(200), '/api/v2/orders');
      expectDeprecated(
        await shop.http().get(`/api/v1/orders/${orderId}`).set('Authorization', customer).expect(200),
        `/api/v2/orders/${orderId}`,
      );
      const unknown = randomUUID();
      expectDeprecated(
        await shop.http().get(`/api/v1/orders/${unknown}`).set('Authorization', customer).expect(404),
        `/api/v2/orders/${unknown}`,
      );
      expectDeprecated(await shop.http().get('/api/v1/orders?limit=0').set('Authorization', customer).expect(400), '/api/v2/orders');
      expectDeprecated(await shop.http().get('/api/v1/orders').expect(401), '/api/v2/orders');
      const cancelled = await shop.http().post(`/api/v1/orders/${orderId}/cancel`).set('Authorization', customer).expect(200);
      expectDeprecated(cancelled, `/api/v2/orders/${orderId}/cancel`);
    });

    it('leaves v2 answers unmarked, errors included', async () => {
      const answers = [
        await shop.http().get('/api/v2/orders').set('Authorization', customer).expect(200),
        await shop.http().get(`/api/v2/orders/${orderId}`).set('Authorization', customer).expect(200),
        await shop.http().get(`/api/v2/orders/${randomUUID()}`).set('Authorization', customer).expect(404),
        await shop.http().get('/api/v2/orders').expect(401),
      ];
      for (const response of answers) {
        expect(response.headers).not.toHaveProperty('deprecation');
        expect(response.headers).not.toHaveProperty('sunset');
        expect(response.headers).not.toHaveProperty('link');
        expect(response.headers['x-served-by']).toBe('monolith');
      }
    });
  });

  describe('who still calls v1', () => {
    it('counts calls per client and version and shows them to an admin, the latest caller first', async () => {
      const aliceId = randomUUID();
      const bobId = randomUUID();
      const alice = shop.bearer(['customer'], aliceId);
      const bob = shop.bearer(['customer'], bobId);
      const before = Date.now();
      for (let i = 0; i < 3; i += 1) await shop.http().get('/api/v1/orders').set('Authorization', alice).expect(200);
      await shop.http().get('/api/v2/orders').set('Authorization', alice).expect(200);
      await shop.http().get('/api/v1/orders').set('Authorization', bob).expect(200);
      await shop.http().get(`/api/v1/orders/${randomUUID()}`).set('Authorization', bob).expect(404);
      await shop.http().get('/api/v1/orders').expect(401); // names no client: not counted

      const usage = async (version: string) => {
        const { body } = await shop.http().get('/api/v1/admin/api-usage').query({ version, api: 'orders' }).set('Authorization', admin);
        return body.items.filter((row: { clientId: string }) => row.clientId === aliceId || row.clientId === bobId);
      };
      const v1 = await usage('v1');
      expect(v1).toEqual([
        { api: 'orders', version: 'v1', clientId: bobId, calls: 2, firstSeen: expect.any(String), lastSeen: expect.any(String) },
        { api: 'orders', version: 'v1', clientId: aliceId, calls: 3, firstSeen: expect.any(String), lastSeen: expect.any(String) },
      ]);
      for (const row of v1) {
        expect(Date.parse(row.firstSeen)).toBeGreaterThanOrEqual(before);
        expect(Date.parse(row.lastSeen)).toBeGreaterThanOrEqual(Date.parse(row.firstSeen));
        expect(Date.parse(row.lastSeen)).toBeLessThanOrEqual(Date.now());
      }
      expect(await usage('v2')).toEqual([expect.objectContaining({ clientId: aliceId, version: 'v2', calls: 1 })]);

      await shop.http().get('/api/v1/orders').set('Authorization', alice).expect(200);
      expect(await usage('v1')).toEqual([
        expect.objectContaining({ clientId: aliceId, calls: 4 }),
        expect.objectContaining({ clientId: bobId, calls: 2 }),
      ]);
    });

    it('adds what each instance counted to the table every API_USAGE_FLUSH_SECONDS, without being asked', async () => {
      const clientId = randomUUID();
      await shop
        .http()
        .get('/api/v1/orders')
        .set('Authorization', shop.bearer(['customer'], clientId))
        .expect(200);
      const row = await eventually(
        async () => (await shop.sql('SELECT calls FROM platform.api_usage WHERE client_id = $1 AND version = $2', [clientId, 'v1']))[0],
        3000,
        'the count flushed',
      );
      expect(Number(row.calls)).toBe(1);
    });

    it('answers only admins, and refuses a malformed version', async () => {
      expectProblem(
        await shop
          .http()
          .get('/api/v1/admin/api-usage')
          .set('Authorization', shop.bearer(['customer'])),
        403,
      );
      expectProblem(await shop.http().get('/api/v1/admin/api-usage'), 401);
      expectProblem(await shop.http().get('/api/v1/admin/api-usage?version=1').set('Authorization', admin), 400);
    });
  });

  it('adds what it counted to the table when it stops, long before the next flush was due', async () => {
    const database = await createTestDatabase('api_usage_stop');
    try {
      const app = await createTestApp(monolithApp, { env: { DATABASE_URL: database.url, API_USAGE_FLUSH_SECONDS: '3600' } });
      const clientId = randomUUID();
      const bearer = `Bearer ${app.get(TokenService).issue({ id: clientId, roles: ['customer'] }).accessToken}`;
      await request(app.getHttpServer()).get('/api/v1/orders').set('Authorization', bearer).expect(200);
      await request(app.getHttpServer()).get('/api/v1/orders').set('Authorization', bearer).expect(200);
      await app.close();

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT version, calls::int AS calls FROM platform.api_usage WHERE client_id = $1', [clientId]);
        expect(rows).toEqual([{ version: 'v1', calls: 2 }]);
      } finally {
        await client.end();
      }
    } finally {
      await database.drop();
    }
  });
});
