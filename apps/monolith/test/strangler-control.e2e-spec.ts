import type { DataSource } from 'typeorm';
import { dataSourceToken } from '@shop/platform';
import { startShop, type ShopUnderTest } from './support/shop.js';

const ROUTES = '/api/v1/admin/strangler/routes';

describe('strangler control without a broker', () => {
  let shop: ShopUnderTest;
  let admin: string;

  beforeAll(async () => {
    shop = await startShop({ transport: 'in-process' });
    admin = shop.bearer(['admin']);
  });
  afterAll(() => shop.close());

  const put = (context: string, body: object) => shop.http().put(`${ROUTES}/${context}`).set('Authorization', admin).send(body);

  it('lists one route per strangleable context, with its boot mode', async () => {
    const { body } = await shop.http().get(ROUTES).set('Authorization', admin).expect(200);
    expect(body).toEqual({
      routes: [{ context: 'ordering', mode: 'monolith', percent: 0, updatedAt: expect.any(String), updatedBy: 'boot' }],
    });
  });

  it('is for admins only', async () => {
    expect(
      (
        await shop
          .http()
          .get(ROUTES)
          .set('Authorization', shop.bearer(['customer']))
      ).status,
    ).toBe(403);
    expect((await shop.http().get(ROUTES)).status).toBe(401);
    expect(
      (
        await shop
          .http()
          .put(`${ROUTES}/ordering`)
          .set('Authorization', shop.bearer(['customer']))
          .send({ mode: 'monolith' })
      ).status,
    ).toBe(403);
  });

  it.each(['service', 'shadow'])('answers 409 to %s mode: it needs a broker', async (mode) => {
    const response = await put('ordering', { mode });
    expect(response.status).toBe(409);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    expect(response.body.detail).toMatch(/AMQP_URL/);
  });

  it('answers 409 to canary too, and changes nothing', async () => {
    expect((await put('ordering', { mode: 'canary', percent: 10 })).status).toBe(409);
    const { body } = await shop.http().get(ROUTES).set('Authorization', admin).expect(200);
    expect(body.routes[0]).toMatchObject({ mode: 'monolith', updatedBy: 'boot' });
  });

  it('answers 404 for a context that cannot be strangled', async () => {
    expect((await put('catalog', { mode: 'monolith' })).status).toBe(404);
    expect((await put('nope', { mode: 'monolith' })).status).toBe(404);
  });

  it.each([
    ['an unknown mode', { mode: 'sideways' }, 'mode'],
    ['no mode', {}, 'mode'],
    ['canary without a percent', { mode: 'canary' }, 'percent'],
    ['a percent over 100', { mode: 'canary', percent: 101 }, 'percent'],
    ['a negative percent', { mode: 'canary', percent: -1 }, 'percent'],
    ['a fractional percent', { mode: 'canary', percent: 12.5 }, 'percent'],
    ['a percent with a mode that fixes it', { mode: 'monolith', percent: 30 }, 'percent'],
    ['an unknown field', { mode: 'monolith', force: true }, 'force'],
  ])('answers 400 for %s', async (_case, body, field) => {
    const response = await put('ordering', body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('records who switched to monolith, when, from what and to what', async () => {
    const adminId = 'a0a0a0a0-0000-4000-8000-000000000001';
    const response = await shop
      .http()
      .put(`${ROUTES}/ordering`)
      .set('Authorization', shop.bearer(['admin'], adminId))
      .send({ mode: 'monolith' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ context: 'ordering', mode: 'monolith', percent: 0, updatedAt: expect.any(String), updatedBy: adminId });
    const audit = await shop.app
      .get<DataSource>(dataSourceToken('strangler'))
      .query('SELECT * FROM strangler.audit ORDER BY id DESC LIMIT 1');
    expect(audit[0]).toMatchObject({
      context: 'ordering',
      from_mode: 'monolith',
      from_percent: 0,
      to_mode: 'monolith',
      to_percent: 0,
      changed_by: adminId,
    });
  });

  it('marks every answer of a strangled route with X-Served-By, errors included', async () => {
    const customer = shop.bearer(['customer']);
    expect((await shop.http().get('/api/v1/orders').set('Authorization', customer)).headers['x-served-by']).toBe('monolith');
    expect((await shop.http().get('/api/v1/orders')).headers['x-served-by']).toBe('monolith');
    expect((await shop.http().post('/api/v1/orders').set('Authorization', customer).send({})).headers['x-served-by']).toBe('monolith');
    expect((await shop.http().get('/api/v1/products')).headers['x-served-by']).toBeUndefined();
  });
});
