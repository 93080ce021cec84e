import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import type { DataSource } from 'typeorm';
import {
  OrderCancelledV1,
  OrderPlacedV1,
  OrderRejectedV1,
  ProductCreatedV1,
  ProductPriceChangedV1,
  StockReleasedV1,
  StockReservationFailedV1,
  StockReservedV1,
  type MessageEnvelope,
  type MessageType,
} from '@shop/contracts';
import { dataSourceToken, MESSAGE_TRANSPORT, type MessageTransport } from '@shop/platform';
import { DeliveryRecorder } from '@shop/testing';
import { startShop, type ShopUnderTest } from './support/shop.js';

interface Product {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
}

interface Line {
  productId: string;
  quantity: number;
}

interface OutboxRow {
  type: string;
  payload: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEMO_SKUS = ['CB-USBC-2M', 'HS-NC-100', 'KB-MECH-001', 'MN-27-4K', 'MS-WL-002'];

const uniqueSku = (prefix = 'T'): string => `${prefix}-${randomUUID().slice(0, 8)}`;

const expectProblem = (response: request.Response, status: number): void => {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toEqual(
    expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) }),
  );
};

const badFields = (response: request.Response): string[] =>
  [...new Set<string>(response.body.errors.map((error: { field: string }) => error.field))].sort();

describe('catalog', () => {
  let shop: ShopUnderTest;
  let catalogDb: DataSource;
  let deliveriesToCatalog: DeliveryRecorder;
  let admin: string;
  let customer: string;

  beforeAll(async () => {
    shop = await startShop();
    catalogDb = shop.app.get(dataSourceToken('catalog'));
    deliveriesToCatalog = new DeliveryRecorder(shop.app.get<MessageTransport>(MESSAGE_TRANSPORT));
    admin = shop.bearer(['admin']);
    customer = shop.bearer(['customer']);
  }, 30_000);

  afterAll(async () => {
    deliveriesToCatalog?.close();
    await shop?.close();
  });

  const validBody = (overrides: Record<string, unknown> = {}) => ({
    sku: uniqueSku(),
    name: 'Test product',
    priceCents: 1999,
    stock: 10,
    ...overrides,
  });

  const createProduct = async (overrides: Record<string, unknown> = {}): Promise<Product> => {
    const response = await shop.http().post('/api/v1/products').set('Authorization', admin).send(validBody(overrides));
    expect(response.status).toBe(201);
    return response.body as Product;
  };

  const getProduct = async (id: string): Promise<Product> => {
    const response = await shop.http().get(`/api/v1/products/${id}`);
    expect(response.status).toBe(200);
    return response.body as Product;
  };

  const totalProducts = async (): Promise<number> => (await shop.http().get('/api/v1/products?limit=1').expect(200)).body.total;

  const allProducts = async (): Promise<Product[]> => {
    const products: Product[] = [];
    for (let offset = 0; ; offset += 100) {
      const { body } = await shop.http().get(`/api/v1/products?limit=100&offset=${offset}`).expect(200);
      products.push(...body.items);
      if (products.length >= body.total) return products;
    }
  };

  const skuStored = async (sku: string): Promise<boolean> =>
    (await allProducts()).some((product) => product.sku.toLowerCase() === sku.toLowerCase());

  const outbox = (key: 'orderId' | 'productId', value: string): Promise<OutboxRow[]> =>
    catalogDb.query(`SELECT type, payload FROM catalog.outbox WHERE payload->>'${key}' = $1 ORDER BY position`, [value]);

  const outboxOfType = async (key: 'orderId' | 'productId', value: string, type: MessageType<unknown>): Promise<OutboxRow[]> =>
    (await outbox(key, value)).filter((row) => row.type === type.type);

  /** Hands an envelope over as ordering's relay would, and resolves once catalog is done with this copy. */
  const handOver = async (envelope: MessageEnvelope): Promise<void> => {
    const { deliveries } = await deliveriesToCatalog.handOver(envelope, 'catalog');
    const failed = deliveries.filter((delivery) => delivery.outcome === 'failed');
    if (failed.length > 0) throw new Error(`catalog failed to handle ${envelope.type}.v${envelope.version} ${envelope.messageId}`);
  };

  const deliver = async <P>(type: MessageType<P>, payload: P, messageId: string = randomUUID()): Promise<MessageEnvelope<P>> => {
    const envelope: MessageEnvelope<P> = {
      messageId,
      type: type.type,
      version: type.version,
      occurredAt: new Date().toISOString(),
      correlationId: randomUUID(),
      causationId: null,
      payload,
    };
    await handOver(envelope);
    return envelope;
  };

  const orderPlaced = (orderId: string, lines: Line[]): OrderPlacedV1 => ({
    orderId,
    customerId: randomUUID(),
    lines: lines.map((line) => ({ ...line, unitPriceCents: 100 })),
    totalCents: lines.reduce((sum, line) => sum + 100 * line.quantity, 0),
  });

  const place = (orderId: string, lines: Line[]) => deliver(OrderPlacedV1, orderPlaced(orderId, lines));
  const reject = (orderId: string) => deliver(OrderRejectedV1, { orderId, reason: 'PAYMENT_DECLINED' });
  const cancel = (orderId: string) => deliver(OrderCancelledV1, { orderId, customerId: randomUUID() });

  const reservationOf = async (orderId: string): Promise<{ status: string; lines: Line[] } | undefined> =>
    (await catalogDb.query('SELECT status, lines FROM catalog.reservations WHERE order_id = $1', [orderId]))[0];

  const stockOf = async (id: string): Promise<number> => (await getProduct(id)).stock;

  it('seeds no demo products outside development', async () => {
    const response = await shop.http().get('/api/v1/products').expect(200);
    expect(response.body).toEqual({ items: [], total: 0, limit: 20, offset: 0 });
    expect(await catalogDb.query('SELECT 1 FROM catalog.outbox WHERE type = $1', [ProductCreatedV1.type])).toEqual([]);
  });

  describe('POST /api/v1/products', () => {
    it('creates a product (201) that anyone can read back, and announces ProductCreatedV1 in the same transaction', async () => {
      const body = validBody({ name: 'Mechanical keyboard', priceCents: 8999, stock: 25 });
      const response = await shop.http().post('/api/v1/products').set('Authorization', admin).send(body);

      expect(response.status).toBe(201);
      expect(response.body).toEqual({ id: expect.stringMatching(UUID), ...body });
      expect(await getProduct(response.body.id)).toEqual(response.body);
      expect(await outbox('productId', response.body.id)).toEqual([
        { type: ProductCreatedV1.type, payload: { productId: response.body.id, sku: body.sku, name: body.name, priceCents: 8999 } },
      ]);
    });

    it('accepts the boundary values', async () => {
      const low = await createProduct({ sku: `a.${randomUUID().slice(0, 8)}_-Z`, name: 'n', priceCents: 1, stock: 0 });
      expect(low).toEqual(expect.objectContaining({ name: 'n', priceCents: 1, stock: 0 }));

      const longSku = `${randomUUID().replaceAll('-', '')}${'9'.repeat(32)}`;
      const high = await createProduct({ sku: longSku, name: 'x'.repeat(200), priceCents: 100_000_000, stock: 1_000_000 });
      expect(high).toEqual(expect.objectContaining({ sku: longSku, priceCents: 100_000_000, stock: 1_000_000 }));
      expect(longSku).toHaveLength(64);
    });

    it('answers 401 without a token or with a bad one, and writes nothing', async () => {
      const body = validBody();
      const none = await shop.http().post('/api/v1/products').send(body);
      expectProblem(none, 401);
      expectProblem(await shop.http().post('/api/v1/products').set('Authorization', 'Bearer not.a.jwt').send(body), 401);
      expect(await skuStored(body.sku)).toBe(false);
    });

    it('answers 403 to a customer, and writes nothing', async () => {
      const body = validBody();
      expectProblem(await shop.http().post('/api/v1/products').set('Authorization', customer).send(body), 403);
      expect(await skuStored(body.sku)).toBe(false);
    });

    it('answers 409 when the sku is taken, compared case-insensitively, and keeps the first product only', async () => {
      const first = await createProduct({ sku: uniqueSku('Dup') });

      const same = await shop
        .http()
        .post('/api/v1/products')
        .set('Authorization', admin)
        .send(validBody({ sku: first.sku, name: 'Other' }));
      expectProblem(same, 409);
      expect(same.body.type).toMatch(/sku-taken$/);
      expectProblem(
        await shop
          .http()
          .post('/api/v1/products')
          .set('Authorization', admin)
          .send(validBody({ sku: first.sku.toLowerCase() })),
        409,
      );

      const stored = (await allProducts()).filter((product) => product.sku.toLowerCase() === first.sku.toLowerCase());
      expect(stored).toEqual([first]);
      expect(
        await catalogDb.query(`SELECT 1 FROM catalog.outbox WHERE type = $1 AND lower(payload->>'sku') = lower($2)`, [
          ProductCreatedV1.type,
          first.sku,
        ]),
      ).toHaveLength(1);
    });

    it('creates exactly one product when the same sku is posted concurrently', async () => {
      const body = validBody();
      const responses = await Promise.all(
        Array.from({ length: 5 }, () => shop.http().post('/api/v1/products').set('Authorization', admin).send(body)),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([201, 409, 409, 409, 409]);
      expect((await allProducts()).filter((product) => product.sku === body.sku)).toHaveLength(1);
    });

    const invalidBodies: Array<[string, Record<string, unknown> | unknown[], string[]]> = [
      ['missing fields', {}, ['name', 'priceCents', 'sku', 'stock']],
      ['wrong types', { sku: 42, name: true, priceCents: '1999', stock: 1.5 }, ['name', 'priceCents', 'sku', 'stock']],
      ['null values', { sku: null, name: null, priceCents: null, stock: null }, ['name', 'priceCents', 'sku', 'stock']],
      ['a zero price', validBody({ priceCents: 0 }), ['priceCents']],
      ['a negative price', validBody({ priceCents: -5 }), ['priceCents']],
      ['a fractional price', validBody({ priceCents: 19.99 }), ['priceCents']],
      ['a price over 100 000 000', validBody({ priceCents: 100_000_001 }), ['priceCents']],
      ['a negative stock', validBody({ stock: -1 }), ['stock']],
      ['a stock over 1 000 000', validBody({ stock: 1_000_001 }), ['stock']],
      ['an empty sku', validBody({ sku: '' }), ['sku']],
      ['a sku with a space', validBody({ sku: `${uniqueSku()} x` }), ['sku']],
      ['a sku with a slash', validBody({ sku: `${uniqueSku()}/x` }), ['sku']],
      ['a 65-character sku', validBody({ sku: `${uniqueSku()}${'x'.repeat(55)}` }), ['sku']],
      ['an empty name', validBody({ name: '' }), ['name']],
      ['a blank name', validBody({ name: '   ' }), ['name']],
      ['a 201-character name', validBody({ name: 'x'.repeat(201) }), ['name']],
      ['a NUL character in the name', validBody({ name: 'bad\u0000name' }), ['name']],
      ['a C1 control character in the name', validBody({ name: 'bad\u0085name' }), ['name']],
      ['a right-to-left override in the name', validBody({ name: 'Keyboard \u202egnp.exe' }), ['name']],
      ['a bidi isolate in the name', validBody({ name: '\u2067Keyboard\u2069' }), ['name']],
      ['a NUL character in the sku', validBody({ sku: `${uniqueSku()}\u0000` }), ['sku']],
      ['a __proto__ field', JSON.parse(JSON.stringify(validBody()).replace('{', '{"__proto__":{"stock":1},')), ['__proto__']],
      ['an unknown field', validBody({ colour: 'red' }), ['colour']],
      ['a client-chosen id', validBody({ id: randomUUID() }), ['id']],
    ];

    it.each(invalidBodies)('answers 400 naming every bad field for %s, and writes nothing', async (_case, body, fields) => {
      const before = await totalProducts();
      const response = await shop.http().post('/api/v1/products').set('Authorization', admin).send(body);

      expectProblem(response, 400);
      expect(badFields(response)).toEqual(fields);
      expect(await totalProducts()).toBe(before);
      const sku = (body as { sku?: unknown }).sku;
      if (typeof sku === 'string' && sku !== '') expect(await skuStored(sku)).toBe(false);
    });

    it('answers 400 to a JSON array body, and writes nothing', async () => {
      const before = await totalProducts();
      expectProblem(await shop.http().post('/api/v1/products').set('Authorization', admin).send([validBody()]), 400);
      expect(await totalProducts()).toBe(before);
    });

    it('answers 400 to malformed JSON, and writes nothing', async () => {
      const before = await totalProducts();
      const response = await shop
        .http()
        .post('/api/v1/products')
        .set('Authorization', admin)
        .set('Content-Type', 'application/json')
        .send('{"sku": "X-1", ');
      expectProblem(response, 400);
      expect(await totalProducts()).toBe(before);
    });

    it('answers 413 to a body over 64 KiB, and writes nothing', async () => {
      const body = validBody({ name: 'x'.repeat(65 * 1024) });
      expectProblem(await shop.http().post('/api/v1/products').set('Authorization', admin).send(body), 413);
      expect(await skuStored(body.sku)).toBe(false);
    });
  });

  describe('GET /api/v1/products/:id', () => {
    it('answers a product to anyone, without a token', async () => {
      const product = await createProduct();
      await shop.http().get(`/api/v1/products/${product.id}`).expect(200, product);
    });

    it('answers 404 for an unknown id', async () => {
      const response = await shop.http().get(`/api/v1/products/${randomUUID()}`);
      expectProblem(response, 404);
      expect(response.body.type).toMatch(/product-not-found$/);
    });

    it.each(['not-a-uuid', '12345', "1' OR '1'='1", `${randomUUID()}x`])('answers 404 (not 500) for the malformed id %j', async (id) => {
      const response = await shop.http().get(`/api/v1/products/${encodeURIComponent(id)}`);
      expectProblem(response, 404);
      expect(response.body.type).toMatch(/product-not-found$/);
    });
  });

  describe('PATCH /api/v1/products/:id', () => {
    const patch = (id: string, body: unknown, token: string | null = admin) => {
      const call = shop.http().patch(`/api/v1/products/${id}`);
      return (token ? call.set('Authorization', token) : call).send(body as object);
    };

    it.each([
      ['the name', { name: 'Renamed product' }],
      ['the price', { priceCents: 2500 }],
      ['the stock', { stock: 0 }],
      ['all three', { name: 'All new', priceCents: 100_000_000, stock: 1_000_000 }],
    ])('changes only %s (200) and keeps the rest', async (_case, changes) => {
      const product = await createProduct();
      const response = await patch(product.id, changes);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ...product, ...changes });
      expect(await getProduct(product.id)).toEqual({ ...product, ...changes });
    });

    it.each([
      ['a control character', 'Renamed\u0007'],
      ['a bidi override', 'Renamed \u202dproduct'],
    ])('answers 400 naming name to a rename with %s, and changes nothing', async (_case, name) => {
      const product = await createProduct();
      const response = await patch(product.id, { name });
      expectProblem(response, 400);
      expect(badFields(response)).toEqual(['name']);
      expect(await getProduct(product.id)).toEqual(product);
    });

    it('announces ProductPriceChangedV1 only when the price actually changes', async () => {
      const product = await createProduct({ priceCents: 1000 });
      const priceChanges = () => outboxOfType('productId', product.id, ProductPriceChangedV1);

      await patch(product.id, { name: 'Only the name' }).expect(200);
      await patch(product.id, { stock: 3 }).expect(200);
      await patch(product.id, { priceCents: 1000 }).expect(200);
      expect(await priceChanges()).toEqual([]);

      await patch(product.id, { priceCents: 1250, name: 'And the price' }).expect(200);
      expect(await priceChanges()).toEqual([{ type: ProductPriceChangedV1.type, payload: { productId: product.id, priceCents: 1250 } }]);

      await patch(product.id, { priceCents: 1250 }).expect(200);
      expect(await priceChanges()).toHaveLength(1);
    });

    it.each([
      ['an empty body', {}, ['name', 'priceCents', 'stock']],
      ['a sku (skus never change)', { sku: 'NEW-SKU' }, ['sku']],
      ['a null name', { name: null }, ['name']],
      ['a blank name', { name: ' ' }, ['name']],
      ['a 201-character name', { name: 'x'.repeat(201) }, ['name']],
      ['a zero price', { priceCents: 0 }, ['priceCents']],
      ['a price as a string', { priceCents: '2500' }, ['priceCents']],
      ['a negative stock', { stock: -1 }, ['stock']],
      ['a fractional stock', { stock: 2.5 }, ['stock']],
      ['one good and one bad field', { name: 'Fine', stock: 1_000_001 }, ['stock']],
    ])('answers 400 for %s and changes nothing', async (_case, body, fields) => {
      const product = await createProduct();
      const response = await patch(product.id, body);

      expectProblem(response, 400);
      expect(badFields(response)).toEqual(fields);
      expect(await getProduct(product.id)).toEqual(product);
      expect(await outboxOfType('productId', product.id, ProductPriceChangedV1)).toEqual([]);
    });

    it('answers 400 to malformed JSON and changes nothing', async () => {
      const product = await createProduct();
      const response = await shop
        .http()
        .patch(`/api/v1/products/${product.id}`)
        .set('Authorization', admin)
        .set('Content-Type', 'application/json')
        .send('{"name": ');
      expectProblem(response, 400);
      expect(await getProduct(product.id)).toEqual(product);
    });

    it('answers 404 for an unknown or malformed id', async () => {
      expectProblem(await patch(randomUUID(), { name: 'Nobody' }), 404);
      expectProblem(await patch('not-a-uuid', { name: 'Nobody' }), 404);
    });

    it('answers 401 without a token and 403 to a customer, and changes nothing', async () => {
      const product = await createProduct();
      expectProblem(await patch(product.id, { priceCents: 1 }, null), 401);
      expectProblem(await patch(product.id, { priceCents: 1 }, customer), 403);
      expect(await getProduct(product.id)).toEqual(product);
      expect(await outboxOfType('productId', product.id, ProductPriceChangedV1)).toEqual([]);
    });
  });

  describe('GET /api/v1/products (list)', () => {
    let prefix: string;

    beforeAll(async () => {
      prefix = uniqueSku('PG');
      for (let i = 0; i < 22; i += 1) await createProduct({ sku: `${prefix}-${String(i).padStart(2, '0')}` });
    });

    it('is public and answers 20 items from offset 0 by default', async () => {
      const total = await totalProducts();
      const response = await shop.http().get('/api/v1/products').expect(200);
      expect(response.body).toEqual({ items: expect.any(Array), total, limit: 20, offset: 0 });
      expect(response.body.items).toHaveLength(20);
      expect(total).toBeGreaterThanOrEqual(22);
    });

    it('pages through every product in a stable order by sku', async () => {
      const everything = await allProducts();
      const paged: Product[] = [];
      for (let offset = 0; offset < everything.length; offset += 7) {
        const { body } = await shop.http().get(`/api/v1/products?limit=7&offset=${offset}`).expect(200);
        expect(body).toEqual(expect.objectContaining({ total: everything.length, limit: 7, offset }));
        paged.push(...body.items);
      }
      expect(paged).toEqual(everything);
      expect(new Set(everything.map((product) => product.id)).size).toBe(everything.length);

      const ours = everything.filter((product) => product.sku.startsWith(prefix)).map((product) => product.sku);
      expect(ours).toEqual(Array.from({ length: 22 }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`));
    });

    it('accepts limit 1 and 100, and answers an empty page past the end', async () => {
      const total = await totalProducts();
      expect((await shop.http().get('/api/v1/products?limit=1').expect(200)).body.items).toHaveLength(1);
      expect((await shop.http().get('/api/v1/products?limit=100').expect(200)).body.items).toHaveLength(Math.min(total, 100));
      const past = await shop.http().get(`/api/v1/products?offset=${total}`).expect(200);
      expect(past.body).toEqual({ items: [], total, limit: 20, offset: total });
      const farthest = await shop.http().get('/api/v1/products?offset=1000000').expect(200);
      expect(farthest.body).toEqual({ items: [], total, limit: 20, offset: 1_000_000 });
    });

    it.each([
      ['limit=0', ['limit']],
      ['limit=101', ['limit']],
      ['limit=abc', ['limit']],
      ['limit=1.5', ['limit']],
      ['limit=', ['limit']],
      ['offset=-1', ['offset']],
      ['offset=x', ['offset']],
      ['limit=0&offset=-1', ['limit', 'offset']],
      ['offset=1e20', ['offset']],
      ['offset=1000001', ['offset']],
      ['limit=1e20', ['limit']],
      ['page=2', ['page']],
    ])('answers 400 to ?%s', async (query, fields) => {
      const response = await shop.http().get(`/api/v1/products?${query}`);
      expectProblem(response, 400);
      expect(badFields(response)).toEqual(fields);
    });
  });

  describe('stock reservations (the catalog side of the order saga)', () => {
    it('reserves every line of a placed order and announces StockReservedV1', async () => {
      const a = await createProduct({ stock: 5 });
      const b = await createProduct({ stock: 3 });
      const orderId = randomUUID();
      const lines = [
        { productId: a.id, quantity: 2 },
        { productId: b.id, quantity: 3 },
      ];

      await place(orderId, lines);

      expect([await stockOf(a.id), await stockOf(b.id)]).toEqual([3, 0]);
      expect(await outbox('orderId', orderId)).toEqual([{ type: StockReservedV1.type, payload: { orderId, lines } }]);
      expect(await reservationOf(orderId)).toEqual({ status: 'RESERVED', lines });
    });

    it('reserves nothing when one line is short (all or none) and names the short line', async () => {
      const a = await createProduct({ stock: 5 });
      const b = await createProduct({ stock: 1 });
      const orderId = randomUUID();

      await place(orderId, [
        { productId: a.id, quantity: 2 },
        { productId: b.id, quantity: 2 },
      ]);

      expect([await stockOf(a.id), await stockOf(b.id)]).toEqual([5, 1]);
      expect(await outbox('orderId', orderId)).toEqual([
        {
          type: StockReservationFailedV1.type,
          payload: { orderId, reason: 'OUT_OF_STOCK', shortLines: [{ productId: b.id, quantity: 2 }] },
        },
      ]);
      expect((await reservationOf(orderId))?.status).toBe('REJECTED');
    });

    it('counts a line for an unknown product as short', async () => {
      const a = await createProduct({ stock: 5 });
      const ghost = randomUUID();
      const orderId = randomUUID();

      await place(orderId, [
        { productId: a.id, quantity: 1 },
        { productId: ghost, quantity: 1 },
      ]);

      expect(await stockOf(a.id)).toBe(5);
      expect(await outbox('orderId', orderId)).toEqual([
        {
          type: StockReservationFailedV1.type,
          payload: { orderId, reason: 'OUT_OF_STOCK', shortLines: [{ productId: ghost, quantity: 1 }] },
        },
      ]);
    });

    it('serves exactly the last units when 8 orders race for 3 (never below zero)', async () => {
      const product = await createProduct({ stock: 3 });
      const orderIds = Array.from({ length: 8 }, () => randomUUID());

      await Promise.all(orderIds.map((orderId) => place(orderId, [{ productId: product.id, quantity: 1 }])));

      const outcomes = await Promise.all(orderIds.map(async (orderId) => (await outbox('orderId', orderId)).map((row) => row.type)));
      expect(outcomes.filter((types) => types.join() === StockReservedV1.type)).toHaveLength(3);
      expect(outcomes.filter((types) => types.join() === StockReservationFailedV1.type)).toHaveLength(5);
      expect(await stockOf(product.id)).toBe(0);
      const statuses = await Promise.all(orderIds.map(async (orderId) => (await reservationOf(orderId))?.status));
      expect(statuses.sort()).toEqual(['REJECTED', 'REJECTED', 'REJECTED', 'REJECTED', 'REJECTED', 'RESERVED', 'RESERVED', 'RESERVED']);
    });

    it('does not deadlock when racing orders list the same products in opposite orders', async () => {
      const a = await createProduct({ stock: 3 });
      const b = await createProduct({ stock: 3 });
      const orderIds = Array.from({ length: 8 }, () => randomUUID());
      const linesFor = (i: number): Line[] =>
        i % 2 === 0
          ? [
              { productId: a.id, quantity: 1 },
              { productId: b.id, quantity: 1 },
            ]
          : [
              { productId: b.id, quantity: 1 },
              { productId: a.id, quantity: 1 },
            ];

      // deliver() fails when a delivery failed, as a deadlock victim's would (over either transport).
      await Promise.all(orderIds.map((orderId, i) => place(orderId, linesFor(i))));

      const reserved = await Promise.all(orderIds.map(async (orderId) => (await outboxOfType('orderId', orderId, StockReservedV1)).length));
      expect(reserved.reduce((sum, count) => sum + count, 0)).toBe(3);
      expect([await stockOf(a.id), await stockOf(b.id)]).toEqual([0, 0]);
    });

    it.each([
      ['OrderRejectedV1', reject],
      ['OrderCancelledV1', cancel],
    ])('releases a reservation on %s: stock back, StockReleasedV1 announced', async (_event, close) => {
      const product = await createProduct({ stock: 4 });
      const orderId = randomUUID();
      const lines = [{ productId: product.id, quantity: 3 }];
      await place(orderId, lines);
      expect(await stockOf(product.id)).toBe(1);

      await close(orderId);

      expect(await stockOf(product.id)).toBe(4);
      expect(await outboxOfType('orderId', orderId, StockReleasedV1)).toEqual([
        { type: StockReleasedV1.type, payload: { orderId, lines } },
      ]);
      expect(await reservationOf(orderId)).toEqual({ status: 'RELEASED', lines });
    });

    it('releases only once, however many closing events arrive', async () => {
      const product = await createProduct({ stock: 4 });
      const orderId = randomUUID();
      await place(orderId, [{ productId: product.id, quantity: 2 }]);

      await cancel(orderId);
      await cancel(orderId);
      await reject(orderId);

      expect(await stockOf(product.id)).toBe(4);
      expect(await outboxOfType('orderId', orderId, StockReleasedV1)).toHaveLength(1);
    });

    it('has one effect when the same OrderPlacedV1 envelope is delivered twice', async () => {
      const product = await createProduct({ stock: 5 });
      const orderId = randomUUID();
      const envelope = await place(orderId, [{ productId: product.id, quantity: 2 }]);

      await handOver(envelope);
      await Promise.all([handOver(envelope), handOver(envelope)]);

      expect(deliveriesToCatalog.of(envelope.messageId, 'catalog').map((delivery) => delivery.outcome)).toEqual([
        'handled',
        'duplicate',
        'duplicate',
        'duplicate',
      ]);
      expect(await stockOf(product.id)).toBe(3);
      expect(await outbox('orderId', orderId)).toHaveLength(1);
    });

    it('reserves an order once even when its placement arrives again as a new message', async () => {
      const product = await createProduct({ stock: 5 });
      const orderId = randomUUID();
      const lines = [{ productId: product.id, quantity: 2 }];

      await place(orderId, lines);
      await place(orderId, lines);

      expect(await stockOf(product.id)).toBe(3);
      expect(await outbox('orderId', orderId)).toEqual([{ type: StockReservedV1.type, payload: { orderId, lines } }]);
    });

    it('releases nothing for an order whose reservation failed', async () => {
      const product = await createProduct({ stock: 1 });
      const orderId = randomUUID();
      await place(orderId, [{ productId: product.id, quantity: 2 }]);

      await deliver(OrderRejectedV1, { orderId, reason: 'OUT_OF_STOCK' });

      expect(await stockOf(product.id)).toBe(1);
      expect(await outboxOfType('orderId', orderId, StockReleasedV1)).toEqual([]);
      expect((await reservationOf(orderId))?.status).toBe('REJECTED');
    });

    it('refuses a placement that arrives after the order was cancelled (ORDER_CLOSED) and reserves nothing', async () => {
      const product = await createProduct({ stock: 5 });
      const orderId = randomUUID();

      await cancel(orderId);
      expect(await reservationOf(orderId)).toEqual({ status: 'RELEASED', lines: [] });

      await place(orderId, [{ productId: product.id, quantity: 2 }]);

      expect(await stockOf(product.id)).toBe(5);
      expect(await outbox('orderId', orderId)).toEqual([
        { type: StockReservationFailedV1.type, payload: { orderId, reason: 'ORDER_CLOSED', shortLines: [] } },
      ]);
      expect(await reservationOf(orderId)).toEqual({ status: 'RELEASED', lines: [] });
    });

    it('refuses a new placement of an order whose stock was already released', async () => {
      const product = await createProduct({ stock: 5 });
      const orderId = randomUUID();
      const lines = [{ productId: product.id, quantity: 2 }];
      await place(orderId, lines);
      await cancel(orderId);

      await place(orderId, lines);

      expect(await stockOf(product.id)).toBe(5);
      expect((await outbox('orderId', orderId)).map((row) => row.type)).toEqual([
        StockReservedV1.type,
        StockReleasedV1.type,
        StockReservationFailedV1.type,
      ]);
    });

    it('lets an admin set the available stock while units are reserved; a release adds them on top', async () => {
      const product = await createProduct({ stock: 5 });
      const orderId = randomUUID();
      await place(orderId, [{ productId: product.id, quantity: 2 }]);

      await shop.http().patch(`/api/v1/products/${product.id}`).set('Authorization', admin).send({ stock: 10 }).expect(200);
      await cancel(orderId);

      expect(await stockOf(product.id)).toBe(12);
    });
  });
});

describe('catalog demo data in development', () => {
  let shop: ShopUnderTest;

  beforeAll(async () => {
    shop = await startShop({ env: { NODE_ENV: 'development' } });
  }, 30_000);

  afterAll(() => shop?.close());

  it('fills the empty catalog at start-up through the normal create path (ProductCreatedV1 included)', async () => {
    const { body } = await shop.http().get('/api/v1/products').expect(200);
    expect(body.total).toBe(DEMO_SKUS.length);
    expect(body.items.map((product: Product) => product.sku)).toEqual(DEMO_SKUS);
    for (const product of body.items as Product[]) {
      expect(product.priceCents).toBeGreaterThan(0);
      expect(product.stock).toBeGreaterThan(0);
    }

    const catalogDb: DataSource = shop.app.get(dataSourceToken('catalog'));
    const created: OutboxRow[] = await catalogDb.query('SELECT type, payload FROM catalog.outbox WHERE type = $1', [ProductCreatedV1.type]);
    expect(created.map((row) => row.payload.sku).sort()).toEqual(DEMO_SKUS);
  });
});
