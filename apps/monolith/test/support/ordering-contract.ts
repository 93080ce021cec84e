import { randomUUID } from 'node:crypto';
import { eventually, holdLock } from '@shop/testing';
import type { ShopUnderTest } from './shop.js';
import { SETTLES_WITHIN_MS, ShopClient, type OrderBody, type OrderV2Body } from './shop-client.js';

/** What the contract needs of a shop: HTTP, a token, a read of the shared database (and its URL, to hold a lock). */
export type ContractShop = Pick<ShopUnderTest, 'env' | 'http' | 'sql' | 'bearer' | 'close'>;

/**
 * The ordering section of the HTTP contract, written once. It talks HTTP (and reads the database only
 * to know when asynchronous work has finished), so the same suite proves the contract whichever
 * process serves ordering (see the strangler's parity runs).
 * The shop must run with PAYMENT_LIMIT_CENTS=100000 and ORDERING_CURRENCY=EUR (the defaults).
 * /api/v2/orders is part of it: the same orders, money as decimal strings, lists by cursor.
 */
export function orderingContract(start: () => Promise<ContractShop>): void {
  let shop: ContractShop;
  let client: ShopClient;
  let alice: string;
  let bob: string;
  let admin: string;
  const aliceId = randomUUID();

  beforeAll(async () => {
    shop = await start();
    admin = shop.bearer(['admin']);
    alice = shop.bearer(['customer'], aliceId);
    bob = shop.bearer(['customer']);
    client = new ShopClient(shop.http, admin);
  });
  afterAll(() => shop.close());

  const expectProblem = (response: { status: number; headers: Record<string, string>; body: { status: number } }, status: number) => {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.status).toBe(status);
  };

  describe('life cycle', () => {
    it('places an order at catalog prices and confirms it: stock taken, payment captured', async () => {
      const productA = await client.createProduct({ priceCents: 1250, stock: 10 });
      const productB = await client.createProduct({ priceCents: 400, stock: 5 });

      const placed = await client.placeOrder(alice, [
        { productId: productA, quantity: 2 },
        { productId: productB, quantity: 1 },
      ]);
      expect(placed.status).toBe(201);
      expect(placed.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        customerId: aliceId,
        status: 'PENDING',
        items: [
          { productId: productA, quantity: 2, unitPriceCents: 1250 },
          { productId: productB, quantity: 1, unitPriceCents: 400 },
        ],
        totalCents: 2900,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(new Date(placed.body.createdAt).toISOString()).toBe(placed.body.createdAt);

      const started = Date.now();
      const settled = await client.waitForSettled(alice, placed.body.id);
      expect(Date.now() - started).toBeLessThan(SETTLES_WITHIN_MS);
      expect(settled.status).toBe('CONFIRMED');
      expect(settled.rejectionReason).toBeUndefined();
      expect(await client.stockOf(productA)).toBe(8);
      expect(await client.stockOf(productB)).toBe(4);
      expect(await client.paymentsOf(alice, placed.body.id)).toEqual([expect.objectContaining({ status: 'CAPTURED', amountCents: 2900 })]);
    });

    it('takes a productId written in upper case as the same product, and answers ids in lower case', async () => {
      const product = await client.createProduct({ priceCents: 700, stock: 5 });
      const placed = await client.placeOrder(alice, [{ productId: product.toUpperCase(), quantity: 2 }]);
      expect(placed.status).toBe(201);
      expect(placed.body.items).toEqual([{ productId: product, quantity: 2, unitPriceCents: 700 }]);
      expect((await client.waitForSettled(alice, placed.body.id)).status).toBe('CONFIRMED');
      expect(await client.stockOf(product)).toBe(3);
    });

    it('rejects an order OUT_OF_STOCK and reserves nothing', async () => {
      const plenty = await client.createProduct({ stock: 10 });
      const scarce = await client.createProduct({ stock: 1 });
      const placed = await client.placeOrder(alice, [
        { productId: plenty, quantity: 3 },
        { productId: scarce, quantity: 2 },
      ]);
      expect(placed.status).toBe(201);
      const settled = await client.waitForSettled(alice, placed.body.id);
      expect(settled).toMatchObject({ status: 'REJECTED', rejectionReason: 'OUT_OF_STOCK' });
      expect(await client.stockOf(plenty)).toBe(10);
      expect(await client.stockOf(scarce)).toBe(1);
      expect(await client.paymentsOf(alice, placed.body.id)).toEqual([]);
    });

    it('rejects an order PAYMENT_DECLINED and releases its stock', async () => {
      const expensive = await client.createProduct({ priceCents: 60_000, stock: 5 });
      const placed = await client.placeOrder(alice, [{ productId: expensive, quantity: 2 }]);
      expect(placed.body.totalCents).toBe(120_000);
      const settled = await client.waitForSettled(alice, placed.body.id);
      expect(settled).toMatchObject({ status: 'REJECTED', rejectionReason: 'PAYMENT_DECLINED' });
      await client.waitForStock(expensive, 5);
      expect(await client.paymentsOf(alice, placed.body.id)).toEqual([
        expect.objectContaining({ status: 'DECLINED', amountCents: 120_000 }),
      ]);
    });

    it('cancels a CONFIRMED order: stock released, payment refunded', async () => {
      const product = await client.createProduct({ priceCents: 700, stock: 4 });
      const placed = await client.placeOrder(alice, [{ productId: product, quantity: 3 }]);
      await client.waitForSettled(alice, placed.body.id);
      expect(await client.stockOf(product)).toBe(1);

      const cancelled = await shop.http().post(`/api/v1/orders/${placed.body.id}/cancel`).set('Authorization', alice);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ id: placed.body.id, status: 'CANCELLED' });
      await client.waitForStock(product, 4);
      await client.waitForPaymentStatus(alice, placed.body.id, 'REFUNDED');
    });

    it('cancels a PENDING order mid-saga and leaves no stock taken and no money captured', async () => {
      const product = await client.createProduct({ priceCents: 300, stock: 2 });
      // The product's row is locked, so catalog cannot reserve stock: the saga waits at its first step.
      const releaseProduct = await holdLock(shop.env.DATABASE_URL!, 'SELECT 1 FROM catalog.products WHERE id = $1 FOR UPDATE', [product]);
      let orderId: string;
      try {
        const placed = await client.placeOrder(alice, [{ productId: product, quantity: 2 }]);
        orderId = placed.body.id;
        expect((await client.getOrder(alice, orderId).expect(200)).body.status).toBe('PENDING');
        const cancelled = await shop.http().post(`/api/v1/orders/${orderId}/cancel`).set('Authorization', alice);
        expect(cancelled.status).toBe(200);
        expect(cancelled.body.status).toBe('CANCELLED');
      } finally {
        await releaseProduct();
      }
      // Catalog has answered both the placement and the cancellation once it holds a released (or
      // never taken) reservation; payments has heard of the cancellation once it closed the order.
      await eventually(
        async () =>
          (await shop.sql('SELECT status FROM catalog.reservations WHERE order_id = $1', [orderId]))[0]?.status === 'RELEASED'
            ? true
            : undefined,
        SETTLES_WITHIN_MS,
        'reservation released',
      );
      await eventually(
        async () => ((await shop.sql('SELECT 1 FROM payments.closed_orders WHERE order_id = $1', [orderId])).length > 0 ? true : undefined),
        SETTLES_WITHIN_MS,
        'order closed in payments',
      );
      expect((await client.getOrder(alice, orderId).expect(200)).body.status).toBe('CANCELLED');
      expect(await client.paymentsOf(alice, orderId)).toEqual([]);
      expect(await client.stockOf(product)).toBe(2);
    });

    it('answers 409 when cancelling a REJECTED or an already CANCELLED order', async () => {
      const scarce = await client.createProduct({ stock: 0 });
      const rejected = await client.placeOrder(alice, [{ productId: scarce, quantity: 1 }]);
      await client.waitForSettled(alice, rejected.body.id);
      expectProblem(await shop.http().post(`/api/v1/orders/${rejected.body.id}/cancel`).set('Authorization', alice), 409);

      const product = await client.createProduct();
      const placed = await client.placeOrder(alice, [{ productId: product, quantity: 1 }]);
      await shop.http().post(`/api/v1/orders/${placed.body.id}/cancel`).set('Authorization', alice).expect(200);
      expectProblem(await shop.http().post(`/api/v1/orders/${placed.body.id}/cancel`).set('Authorization', alice), 409);
    });
  });

  describe('reading orders', () => {
    it("lists the caller's own orders, newest first, paginated", async () => {
      const carol = shop.bearer(['customer']);
      const product = await client.createProduct({ stock: 100 });
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) ids.push((await client.placeOrder(carol, [{ productId: product, quantity: 1 }])).body.id);

      const all = await shop.http().get('/api/v1/orders').set('Authorization', carol).expect(200);
      expect(all.body).toMatchObject({ total: 3, limit: 20, offset: 0 });
      expect(all.body.items.map((order: OrderBody) => order.id)).toEqual([...ids].reverse());

      const page = await shop.http().get('/api/v1/orders?limit=1&offset=1').set('Authorization', carol).expect(200);
      expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
      expect(page.body.items.map((order: OrderBody) => order.id)).toEqual([ids[1]]);

      const others = await shop.http().get('/api/v1/orders').set('Authorization', bob).expect(200);
      expect(others.body.items.map((order: OrderBody) => order.id)).not.toEqual(expect.arrayContaining([ids[0]]));
    });

    it.each([['limit=0'], ['limit=101'], ['offset=-1'], ['limit=abc'], ['unknown=1']])(
      'answers 400 for a bad list query (%s)',
      async (query) => {
        expectProblem(await shop.http().get(`/api/v1/orders?${query}`).set('Authorization', alice), 400);
      },
    );

    it('shows an order to its owner and to an admin, and 404 to anyone else', async () => {
      const product = await client.createProduct();
      const placed = await client.placeOrder(alice, [{ productId: product, quantity: 1 }]);
      await client.getOrder(alice, placed.body.id).then((r) => expect(r.status).toBe(200));
      await client.getOrder(admin, placed.body.id).then((r) => expect(r.status).toBe(200));
      expectProblem(await client.getOrder(bob, placed.body.id), 404);
      expectProblem(await client.getOrder(alice, randomUUID()), 404);
      expectProblem(await client.getOrder(alice, 'not-a-uuid'), 404);
    });

    it('answers 404 to another customer cancelling an order and lets an admin cancel it', async () => {
      const product = await client.createProduct();
      const placed = await client.placeOrder(alice, [{ productId: product, quantity: 1 }]);
      expectProblem(await shop.http().post(`/api/v1/orders/${placed.body.id}/cancel`).set('Authorization', bob), 404);
      await shop.http().post(`/api/v1/orders/${placed.body.id}/cancel`).set('Authorization', admin).expect(200);
    });

    it("answers another customer asking for an order's payments with an empty list, as for an order that does not exist", async () => {
      const product = await client.createProduct();
      const placed = await client.placeOrder(alice, [{ productId: product, quantity: 1 }]);
      await client.waitForSettled(alice, placed.body.id);
      expect(await client.paymentsOf(alice, placed.body.id)).toHaveLength(1);
      expect(await client.paymentsOf(bob, placed.body.id)).toEqual([]);
    });

    it('requires a token', async () => {
      expectProblem(await shop.http().get('/api/v1/orders'), 401);
      expectProblem(await shop.http().post('/api/v1/orders').send({ items: [] }), 401);
    });
  });

  describe('Idempotency-Key', () => {
    it('gives a sequential repeat the same order, 200, and creates no second one', async () => {
      const dave = shop.bearer(['customer']);
      const product = await client.createProduct();
      const first = await client.placeOrder(dave, [{ productId: product, quantity: 1 }], 'key-1');
      const second = await client.placeOrder(dave, [{ productId: product, quantity: 1 }], 'key-1');
      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      expect(second.body.id).toBe(first.body.id);
      expect(await client.orderCount(dave)).toBe(1);
    });

    it('gives concurrent repeats one order between them', async () => {
      const erin = shop.bearer(['customer']);
      const product = await client.createProduct({ stock: 50 });
      await client.placeOrder(erin, [{ productId: product, quantity: 1 }], 'warm-up'); // the product is orderable
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => client.placeOrder(erin, [{ productId: product, quantity: 2 }], 'same-key')),
      );
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
      expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      expect(await client.orderCount(erin)).toBe(2);
      await client.waitForSettled(erin, responses[0]!.body.id);
      expect(await client.stockOf(product)).toBe(50 - 1 - 2);
    });

    it('answers 422 to the same key with a different body, and writes nothing', async () => {
      const frank = shop.bearer(['customer']);
      const product = await client.createProduct();
      await client.placeOrder(frank, [{ productId: product, quantity: 1 }], 'key-x');
      expectProblem(await client.placeOrder(frank, [{ productId: product, quantity: 2 }], 'key-x'), 422);
      expect(await client.orderCount(frank)).toBe(1);
    });

    it('keeps keys per customer', async () => {
      const product = await client.createProduct();
      const one = await client.placeOrder(shop.bearer(['customer']), [{ productId: product, quantity: 1 }], 'shared-key');
      const two = await client.placeOrder(shop.bearer(['customer']), [{ productId: product, quantity: 1 }], 'shared-key');
      expect(two.status).toBe(201);
      expect(two.body.id).not.toBe(one.body.id);
    });

    it('answers 400 to a key over 128 characters', async () => {
      const product = await client.createProduct();
      expectProblem(await client.placeOrder(alice, [{ productId: product, quantity: 1 }], 'k'.repeat(129)), 400);
    });
  });

  describe('bad input is refused and writes nothing', () => {
    let grace: string;
    let product: string;

    beforeAll(async () => {
      grace = shop.bearer(['customer']);
      product = await client.createProduct();
    });
    afterEach(async () => expect(await client.orderCount(grace)).toBe(0));

    const place = (body: unknown) =>
      shop
        .http()
        .post('/api/v1/orders')
        .set('Authorization', grace)
        .send(body as object);

    it('answers 422 for a productId the shop does not know', async () => {
      const response = await place({ items: [{ productId: randomUUID(), quantity: 1 }] });
      expectProblem(response, 422);
    });

    it('answers 422 for a total over what one payment can carry', async () => {
      const luxury = await client.createProduct({ priceCents: 100_000_000, stock: 100 });
      const response = await client.placeOrder(grace, [{ productId: luxury, quantity: 22 }]);
      expectProblem(response, 422);
      expect(await client.stockOf(luxury)).toBe(100);
    });

    it.each([
      ['no items field', {}, 'items'],
      ['an empty items list', { items: [] }, 'items'],
      ['51 items', { items: Array.from({ length: 51 }, () => ({ productId: randomUUID(), quantity: 1 })) }, 'items'],
      ['a zero quantity', { items: [{ productId: 'P', quantity: 0 }] }, 'items.0.quantity'],
      ['a negative quantity', { items: [{ productId: 'P', quantity: -1 }] }, 'items.0.quantity'],
      ['a quantity over 100', { items: [{ productId: 'P', quantity: 101 }] }, 'items.0.quantity'],
      ['a fractional quantity', { items: [{ productId: 'P', quantity: 1.5 }] }, 'items.0.quantity'],
      ['a quantity as a string', { items: [{ productId: 'P', quantity: '2' }] }, 'items.0.quantity'],
      ['a productId that is not a UUID', { items: [{ productId: 'nope', quantity: 1 }] }, 'items.0.productId'],
      ['a missing productId', { items: [{ quantity: 1 }] }, 'items.0.productId'],
      [
        'duplicate productIds',
        {
          items: [
            { productId: 'P', quantity: 1 },
            { productId: 'P', quantity: 2 },
          ],
        },
        'items',
      ],
      ['an unknown top-level field', { items: [{ productId: 'P', quantity: 1 }], coupon: 'FREE' }, 'coupon'],
      ['an unknown item field', { items: [{ productId: 'P', quantity: 1, priceCents: 1 }] }, 'items.0.priceCents'],
      ['items that are not objects', { items: [1, 2] }, 'items'],
      ['items that are not a list', { items: 'many' }, 'items'],
    ])('answers 400 naming the field for %s', async (_case, body, field) => {
      const withProduct = JSON.parse(JSON.stringify(body).replaceAll('"P"', JSON.stringify(product)));
      const response = await place(withProduct);
      expectProblem(response, 400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });

    it('answers 400 naming items for one productId written twice in different case', async () => {
      const response = await place({
        items: [
          { productId: product, quantity: 1 },
          { productId: product.toUpperCase(), quantity: 1 },
        ],
      });
      expectProblem(response, 400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(['items']);
    });

    it('answers 400 naming the field for a __proto__ key in an item', async () => {
      const response = await shop
        .http()
        .post('/api/v1/orders')
        .set('Authorization', grace)
        .set('Content-Type', 'application/json')
        .send(`{"items":[{"productId":"${product}","quantity":1,"__proto__":{"quantity":100}}]}`);
      expectProblem(response, 400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(['items.0.__proto__']);
    });

    it('answers 400 for malformed JSON', async () => {
      const response = await shop
        .http()
        .post('/api/v1/orders')
        .set('Authorization', grace)
        .set('Content-Type', 'application/json')
        .send('{"items": [');
      expectProblem(response, 400);
    });

    it('answers 413 for a body over 64 KiB', async () => {
      const response = await place({ items: [{ productId: product, quantity: 1 }], padding: 'x'.repeat(70 * 1024) });
      expectProblem(response, 413);
    });
  });

  describe('/api/v2/orders beside /api/v1/orders', () => {
    const eur = (amount: string) => ({ amount, currency: 'EUR' });
    const v2 = (path = '') => `/api/v2/orders${path}`;

    it('places an order and answers it with money as decimal strings; v1 shows the same order in cents', async () => {
      const productA = await client.createProduct({ priceCents: 999, stock: 10 });
      const productB = await client.createProduct({ priceCents: 90_000, stock: 10 });
      const placed = await client.placeOrder(
        alice,
        [
          { productId: productA, quantity: 1 },
          { productId: productB, quantity: 1 },
        ],
        undefined,
        'v2',
      );
      expect(placed.status).toBe(201);
      expect(placed.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        customerId: aliceId,
        status: 'PENDING',
        items: [
          { productId: productA, quantity: 1, unitPrice: eur('9.99') },
          { productId: productB, quantity: 1, unitPrice: eur('900.00') },
        ],
        total: eur('909.99'),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const settled = await client.waitForSettled(alice, placed.body.id);
      expect(settled).toMatchObject({
        status: 'CONFIRMED',
        totalCents: 90_999,
        items: [{ unitPriceCents: 999 }, { unitPriceCents: 90_000 }],
      });
      const read = await shop
        .http()
        .get(v2(`/${placed.body.id}`))
        .set('Authorization', alice)
        .expect(200);
      expect(read.body).toEqual({ ...placed.body, status: 'CONFIRMED', updatedAt: settled.updatedAt });
    });

    it("lists the caller's orders by cursor, newest first, unshifted by orders placed between pages", async () => {
      const heidi = shop.bearer(['customer']);
      const product = await client.createProduct({ stock: 100 });
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1)
        ids.push((await client.placeOrder(heidi, [{ productId: product, quantity: 1 }], undefined, 'v2')).body.id);

      const page = (cursor?: string) =>
        shop
          .http()
          .get(v2())
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .set('Authorization', heidi)
          .expect(200);
      const first = await page();
      await client.placeOrder(heidi, [{ productId: product, quantity: 1 }], undefined, 'v2');
      const second = await page(first.body.nextCursor);
      const third = await page(second.body.nextCursor);

      const pages = [first, second, third].map(({ body }) => body.items.map((order: OrderV2Body) => order.id));
      expect(pages).toEqual([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);
      expect(third.body.nextCursor).toBeNull();
      expect(first.body.items[0].total).toEqual(eur('10.00'));

      const others = await shop.http().get(v2()).set('Authorization', bob).expect(200);
      expect(others.body.items.map((order: OrderV2Body) => order.id)).not.toEqual(expect.arrayContaining([ids[0]]));
    });

    it('cancels through v2, and answers 409 to a second cancel', async () => {
      const product = await client.createProduct({ priceCents: 250 });
      const placed = await client.placeOrder(alice, [{ productId: product, quantity: 1 }], undefined, 'v2');
      const cancelled = await shop
        .http()
        .post(v2(`/${placed.body.id}/cancel`))
        .set('Authorization', alice);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ id: placed.body.id, status: 'CANCELLED', total: eur('2.50') });
      expectProblem(
        await shop
          .http()
          .post(v2(`/${placed.body.id}/cancel`))
          .set('Authorization', alice),
        409,
      );
    });

    it("answers 404 for someone else's order, 400 for a cursor it did not answer, and 401 without a token", async () => {
      const product = await client.createProduct();
      const placed = await client.placeOrder(alice, [{ productId: product, quantity: 1 }], undefined, 'v2');
      expectProblem(
        await shop
          .http()
          .get(v2(`/${placed.body.id}`))
          .set('Authorization', bob),
        404,
      );
      expectProblem(
        await shop
          .http()
          .post(v2(`/${placed.body.id}/cancel`))
          .set('Authorization', bob),
        404,
      );
      expectProblem(await shop.http().get(v2('/not-a-uuid')).set('Authorization', alice), 404);
      const badCursor = await shop.http().get(v2()).query({ cursor: 'bm90IGEgY3Vyc29y' }).set('Authorization', alice);
      expectProblem(badCursor, 400);
      expect(badCursor.body.errors.map((error: { field: string }) => error.field)).toEqual(['cursor']);
      expectProblem(await shop.http().get(v2()), 401);
    });

    it('gives the same order for one Idempotency-Key, whichever version is asked', async () => {
      const ivan = shop.bearer(['customer']);
      const product = await client.createProduct({ priceCents: 1234 });
      const first = await client.placeOrder(ivan, [{ productId: product, quantity: 1 }], 'both-versions');
      const again = await client.placeOrder(ivan, [{ productId: product, quantity: 1 }], 'both-versions', 'v2');
      expect(first.status).toBe(201);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: first.body.id, total: eur('12.34') });
      expect(await client.orderCount(ivan)).toBe(1);
    });

    it('marks every v1 answer deprecated, errors included, naming the same resource in v2; v2 answers carry no such mark', async () => {
      const product = await client.createProduct();
      const placed = await client.placeOrder(alice, [{ productId: product, quantity: 1 }]);
      const v1Answers: Array<[request: Promise<{ headers: Record<string, string> }>, successor: string]> = [
        [shop.http().get('/api/v1/orders').set('Authorization', alice).expect(200), v2()],
        [shop.http().get(`/api/v1/orders/${placed.body.id}`).set('Authorization', alice).expect(200), v2(`/${placed.body.id}`)],
        [shop.http().get(`/api/v1/orders/${placed.body.id}`).set('Authorization', bob).expect(404), v2(`/${placed.body.id}`)],
        [shop.http().get('/api/v1/orders'), v2()],
      ];
      for (const [answer, successor] of v1Answers) {
        const { headers } = await answer;
        expect(headers.deprecation).toMatch(/^@\d+$/);
        expect(headers.sunset).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
        expect(Date.parse(headers.sunset!)).toBeGreaterThan(Number(headers.deprecation!.slice(1)) * 1000);
        expect(headers.link).toBe(`<${successor}>; rel="successor-version"`);
      }
      const v2Answers = [
        await shop.http().get(v2()).set('Authorization', alice).expect(200),
        await shop
          .http()
          .get(v2(`/${placed.body.id}`))
          .set('Authorization', bob)
          .expect(404),
      ];
      for (const { headers } of v2Answers) {
        expect(Object.keys(headers)).not.toEqual(expect.arrayContaining(['deprecation']));
        expect(Object.keys(headers)).not.toEqual(expect.arrayContaining(['sunset']));
        expect(Object.keys(headers)).not.toEqual(expect.arrayContaining(['link']));
      }
    });
  });
}
