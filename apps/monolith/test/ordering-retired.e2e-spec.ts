import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createRestrictedRole, createTestApp } from '@shop/testing';
import { monolithApp } from '../src/monolith.app.js';
import { orderingContract } from './support/ordering-contract.js';
import type { ShopUnderTest } from './support/shop.js';
import { startStrangledShop, type StrangledShop } from './support/strangled-shop.js';

/**
 * Once ordering's data lives with order-service, the monolith is built without ordering
 * (RETIRED_CONTEXTS=ordering): only ordering's HTTP routes and the strangler's remote dispatch. Run
 * with a PostgreSQL role that has no privilege on any ordering* schema, it still passes the ordering
 * contract: nothing of ordering's runs in it, and nothing of ordering's data is reached from it.
 */
describe('a monolith built without ordering, once ordering is retired', () => {
  let strangled: StrangledShop;
  let retired: INestApplication;
  let role: { role: string; url: string; drop(): Promise<void> };

  orderingContract(async (): Promise<ShopUnderTest> => {
    strangled = await startStrangledShop('service', { ownDatabase: true });
    const handoff = await strangled.handoff('out');
    if (handoff.status !== 'done') throw new Error(`the handoff ended ${String(handoff.status)}: ${String(handoff.error)}`);
    const database = {
      url: strangled.env.DATABASE_URL!,
      name: new URL(strangled.env.DATABASE_URL!).pathname.slice(1),
      drop: async () => undefined,
    };
    role = await createRestrictedRole(database, ['identity', 'catalog', 'payments', 'strangler', 'platform']);
    const env = { ...strangled.env, DATABASE_URL: role.url, RETIRED_CONTEXTS: 'ordering' };
    retired = await createTestApp(monolithApp, { env });
    return {
      ...strangled,
      app: retired,
      env,
      http: () => request(retired.getHttpServer()),
      close: async () => {
        await retired.close();
        await strangled.close();
        await role.drop();
      },
    };
  });

  it.each(['/api/v1/orders', '/api/v2/orders'])('serves every ordering request through order-service (%s)', async (path) => {
    const customer = strangled.bearer(['customer']);
    const response = await request(retired.getHttpServer()).get(path).set('Authorization', customer).expect(200);
    expect(response.headers['x-served-by']).toBe('order-service');
  });

  it('has no privilege on any ordering schema, so it reached none', async () => {
    const rows = await strangled.sql(
      `SELECT n.nspname, has_schema_privilege($1, n.oid, 'USAGE') AS usable
         FROM pg_namespace n WHERE n.nspname LIKE 'ordering%' ORDER BY 1`,
      [role.role],
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatchObject({ usable: false });
  });
});
