import { randomUUID } from 'node:crypto';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startShop, type ShopUnderTest } from './support/shop.js';

/** An admin sets a user's roles (the `tester` role among them), and a tester's X-Strangler-Route is heard. */
describe('PUT /api/v1/admin/users/:id/roles (monolith)', () => {
  let shop: ShopUnderTest;
  let admin: { id: string; bearer: string };

  const http = () => shop.http();
  const setRoles = (id: string, body: unknown, bearer = admin.bearer) =>
    http()
      .put(`/api/v1/admin/users/${id}/roles`)
      .set('Authorization', bearer)
      .send(body as object);
  const rolesInDatabase = async (id: string) =>
    ((await shop.sql('SELECT roles FROM identity.users WHERE id = $1', [id])) as Array<{ roles: string[] }>)[0]?.roles;
  const registered = async () => {
    const email = `roles-${randomUUID()}@shop.test`;
    const { body } = await http().post('/api/v1/auth/register').send({ email, password: 'correct horse battery' }).expect(201);
    return { id: body.id as string, email };
  };

  beforeAll(async () => {
    shop = await startShop();
    const login = await http().post('/api/v1/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
    const bearer = `Bearer ${login.body.accessToken}`;
    const me = await http().get('/api/v1/auth/me').set('Authorization', bearer).expect(200);
    admin = { id: me.body.id, bearer };
  });
  afterAll(() => shop.close());

  it('gives a customer the tester role; the next login carries it', async () => {
    const user = await registered();
    const answer = await setRoles(user.id, { roles: ['customer', 'tester'] }).expect(200);
    expect(answer.body).toMatchObject({ id: user.id, email: user.email, roles: ['customer', 'tester'] });
    expect(await rolesInDatabase(user.id)).toEqual(['customer', 'tester']);
    const login = await http().post('/api/v1/auth/login').send({ email: user.email, password: 'correct horse battery' }).expect(200);
    const me = await http().get('/api/v1/auth/me').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
    expect(me.body.roles).toEqual(['customer', 'tester']);
  });

  it('refuses an admin taking their own admin role away (409), changing nothing', async () => {
    const answer = await setRoles(admin.id, { roles: ['customer'] }).expect(409);
    expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(answer.body.type).toMatch(/own-admin-role$/);
    expect(await rolesInDatabase(admin.id)).toEqual(['admin', 'customer']);
  });

  it.each([
    ['an unknown role', { roles: ['root'] }],
    ['no role', { roles: [] }],
    ['a role twice', { roles: ['customer', 'customer'] }],
    ['no list', {}],
  ])('refuses %s with 400 naming roles, changing nothing', async (_case, body) => {
    const user = await registered();
    const answer = await setRoles(user.id, body).expect(400);
    expect(answer.body.errors.map((error: { field: string }) => error.field)).toContain('roles');
    expect(await rolesInDatabase(user.id)).toEqual(['customer']);
  });

  it('answers 404 for an unknown user and 403 to a non-admin', async () => {
    await setRoles(randomUUID(), { roles: ['customer'] }).expect(404);
    const user = await registered();
    await setRoles(user.id, { roles: ['admin'] }, shop.bearer(['customer', 'tester'])).expect(403);
    expect(await rolesInDatabase(user.id)).toEqual(['customer']);
  });

  it("hears X-Strangler-Route from a tester (a bad value is a 400) and ignores a customer's", async () => {
    const tester = shop.bearer(['customer', 'tester']);
    const refused = await http().get('/api/v1/orders').set('Authorization', tester).set('X-Strangler-Route', 'both').expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'X-Strangler-Route' })]);
    const served = await http().get('/api/v1/orders').set('Authorization', tester).set('X-Strangler-Route', 'monolith').expect(200);
    expect(served.headers['x-served-by']).toBe('monolith');
    await http()
      .get('/api/v1/orders')
      .set('Authorization', shop.bearer(['customer']))
      .set('X-Strangler-Route', 'both')
      .expect(200);
  });
});
