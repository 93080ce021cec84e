import { randomUUID } from 'node:crypto';
import { RemoteServices } from '@shop/strangler';
import { eventually } from '@shop/testing';
import { ShopClient } from './support/shop-client.js';
import { listening, strangler } from './support/strangler-cli.js';
import { startStrangledShop, type StrangledShop } from './support/strangled-shop.js';

const SHADOW = '/api/v1/admin/strangler/shadow';
const GET_ORDER = 'ordering.GetOrder.v1';

/**
 * The shadow through the whole app: ordering in shadow mode, order-service as its own process. Its
 * settings are validated, stored and audited; every mirrored read is counted in the fleet's table;
 * a regression planted in the service's answers for one order is counted and sampled, the others match.
 */
describe('shadow mode: settings, fleet counts and mismatch samples', () => {
  let shop: StrangledShop;
  let client: ShopClient;

  beforeAll(async () => {
    shop = await startStrangledShop('shadow');
    client = new ShopClient(shop.http, shop.admin);
  }, 120_000);
  afterAll(() => shop?.close());

  const settings = () => shop.http().get(`${SHADOW}/ordering/settings`).set('Authorization', shop.admin);
  const putSettings = (body: object) => shop.http().put(`${SHADOW}/ordering/settings`).set('Authorization', shop.admin).send(body);

  it("starts from the descriptor's defaults, refuses bad settings and stores good ones, audited", async () => {
    expect((await settings().expect(200)).body).toEqual({ samplePercent: 100, noisePercent: 10, ignore: [], unordered: [] });

    const refused = await putSettings({ samplePercent: 101, ignore: ['$.items[?(@.price > 1)]'], unordered: ['items['] });
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['ignore', 'samplePercent', 'unordered']);
    expect((await settings().expect(200)).body).toEqual({ samplePercent: 100, noisePercent: 10, ignore: [], unordered: [] });
    // null is a bad value, not "unchanged"; a path jsonb cannot hold (NUL) is a bad path.
    const nulls = await putSettings({ samplePercent: null, noisePercent: null, ignore: null, unordered: ["$['\u0000']"] });
    expect(nulls.status).toBe(400);
    expect([...new Set(nulls.body.errors.map((error: { field: string }) => error.field))].sort()).toEqual([
      'ignore',
      'noisePercent',
      'samplePercent',
      'unordered',
    ]);
    expect((await settings().expect(200)).body).toEqual({ samplePercent: 100, noisePercent: 10, ignore: [], unordered: [] });
    expect((await shop.http().get(`${SHADOW}/nowhere/settings`).set('Authorization', shop.admin)).status).toBe(404);
    expect(
      (
        await shop
          .http()
          .get(`${SHADOW}/ordering/settings`)
          .set('Authorization', shop.bearer(['customer']))
      ).status,
    ).toBe(403);

    const changed = await putSettings({ noisePercent: 100, ignore: ['$.rejectionReason', 'nothingLikeThis'] }).expect(200);
    expect(changed.body).toEqual({
      samplePercent: 100,
      noisePercent: 100,
      ignore: ['$.rejectionReason', 'nothingLikeThis'],
      unordered: [],
    });
    expect((await settings().expect(200)).body).toEqual(changed.body);
    const { body: audit } = await shop
      .http()
      .get('/api/v1/admin/strangler/audit?context=ordering')
      .set('Authorization', shop.admin)
      .expect(200);
    expect(audit.entries[0]).toMatchObject({ action: 'shadow.settings', details: changed.body });
  });

  it('counts every mirrored read for the fleet and keeps samples of the planted mismatch, with the request ids', async () => {
    const alice = shop.bearer(['customer']);
    const product = await client.createProduct({ priceCents: 500, stock: 20 });
    const planted = (await client.placeOrder(alice, [{ productId: product, quantity: 1 }])).body.id as string;
    const clean = (await client.placeOrder(alice, [{ productId: product, quantity: 2 }])).body.id as string;
    // Watched in the database: a GET would be mirrored too, and counted.
    for (const id of [planted, clean]) {
      await eventually(
        async () => {
          const [row] = await shop.sql('SELECT status FROM ordering.orders WHERE id = $1', [id]);
          return row?.status === 'CONFIRMED' ? true : undefined;
        },
        15_000,
        `order ${id} confirmed`,
      );
    }
    const before = await counts();

    // The planted regression: order-service's answers for one order come back with a wrong unit price.
    const remote = shop.app.get(RemoteServices).for('ordering')!;
    const call = remote.call.bind(remote);
    remote.call = async (message, headers) => {
      const reply = await call(message, headers);
      if (message.route !== GET_ORDER || message.payload.orderId !== planted || !reply.ok) return reply;
      const order = reply.value as { items: Array<{ unitPriceCents: number }> };
      return { ...reply, value: { ...order, items: order.items.map((item) => ({ ...item, unitPriceCents: item.unitPriceCents + 1 })) } };
    };

    const requestIds: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      for (const id of [planted, clean]) {
        const requestId = `shadow-e2e-${randomUUID()}`;
        if (id === planted) requestIds.push(requestId);
        const read = await shop.http().get(`/api/v1/orders/${id}`).set('Authorization', alice).set('X-Request-Id', requestId).expect(200);
        expect(read.headers['x-served-by']).toBe('monolith');
      }
    }

    const after = await eventually(
      async () => {
        const now = await counts();
        return now.compared - before.compared >= 8 ? now : undefined;
      },
      10_000,
      'the eight mirrored reads counted',
    );
    expect({
      compared: after.compared - before.compared,
      mismatches: after.mismatches - before.mismatches,
      matches: after.matches - before.matches,
      baselines: after.baselines - before.baselines,
      noise: after.noise - before.noise,
      dropped: after.dropped - before.dropped,
      unavailable: after.unavailable - before.unavailable,
    }).toEqual({ compared: 8, mismatches: 4, matches: 4, baselines: 8, noise: 0, dropped: 0, unavailable: 0 });
    expect(after.noiseRate).toBe(0);

    const { body: samples } = await shop
      .http()
      .get(`${SHADOW}/ordering/samples?route=${GET_ORDER}&limit=10`)
      .set('Authorization', shop.admin)
      .expect(200);
    expect(samples).toHaveLength(4);
    // Each read's mismatch is recorded once its re-checks end, so the mirrors finish in their own order.
    expect(samples.map((sample: { requestId: string }) => sample.requestId).sort()).toEqual([...requestIds].sort());
    const taken = samples.map((sample: { at: string }) => sample.at);
    expect(taken).toEqual([...taken].sort().reverse()); // newest first
    for (const sample of samples) {
      expect(sample).toMatchObject({
        route: GET_ORDER,
        paths: ['$.items[*].unitPriceCents'],
        concretePaths: ['$.items[0].unitPriceCents'],
        noisyPaths: [],
        monolith: { id: planted, items: [{ unitPriceCents: 500 }] },
        service: { id: planted, items: [{ unitPriceCents: 501 }] },
      });
      expect(new Date(sample.at).toISOString()).toBe(sample.at);
    }

    // The same on the command line: the route's fleet counts, then each sample with both values of each path.
    const cli = await strangler(['shadow', 'samples', 'ordering', '--route', GET_ORDER], {
      SHOP_URL: await listening(shop.app),
      SHOP_TOKEN: shop.admin.slice('Bearer '.length),
    });
    expect(cli.code).toBe(0);
    expect(cli.out).toMatch(
      new RegExp(`^${GET_ORDER.replaceAll('.', '\\.')}: \\d+ compared, \\d+ matches, 4 mismatches; noise 0\\.0% of`, 'm'),
    );
    expect(cli.out).toMatch(new RegExp(`request ${requestIds[3]}: \\$\\.items\\[\\*\\]\\.unitPriceCents$`, 'm'));
    expect(cli.out.match(/^ {4}\$\.items\[0\]\.unitPriceCents: monolith 500 ≠ service 501$/gm)).toHaveLength(4);

    // Counted from a moment to come: nothing yet.
    const since = new Date(Date.now() + 60_000).toISOString();
    expect((await shop.http().get(`${SHADOW}?since=${since}`).set('Authorization', shop.admin).expect(200)).body).toEqual({});
    // Dates ISO 8601 allows but that name no instant JavaScript reads (week, ordinal, basic forms): 400, not 500.
    for (const bad of ['yesterday', '2024-W01', '2024-100', '20240101', '2024-01-01T1000', '2024-01-01T10:00,5Z']) {
      expect((await shop.http().get(`${SHADOW}?since=${bad}`).set('Authorization', shop.admin)).status).toBe(400);
    }
  });

  async function counts(): Promise<Record<string, number>> {
    const { body } = await shop.http().get(SHADOW).set('Authorization', shop.admin).expect(200);
    return body.ordering?.[GET_ORDER] ?? { compared: 0, matches: 0, mismatches: 0, baselines: 0, noise: 0, dropped: 0, unavailable: 0 };
  }
});
