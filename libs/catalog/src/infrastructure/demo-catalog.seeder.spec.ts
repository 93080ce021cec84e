import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ProductCreatedV1 } from '@shop/contracts';
import { dataSourceToken, PlatformModule } from '@shop/platform';
import { createTestApp, createTestDatabase, shellOf, type TestDatabase } from '@shop/testing';
import { CatalogModule } from '../catalog.module.js';
import { DEMO_PRODUCTS, DemoCatalogSeeder } from './demo-catalog.seeder.js';

/** Against the real PostgreSQL server: what matters here is how concurrent seeders meet in the database. */
describe('DemoCatalogSeeder (PostgreSQL)', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let catalog: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('catalog_seeder');
    // env=test: nothing is seeded at start-up, so the test drives the seeder itself.
    app = await createTestApp(shellOf(PlatformModule, CatalogModule), { env: { DATABASE_URL: database.url } });
    catalog = app.get(dataSourceToken('catalog'));
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const count = async (sql: string, params: unknown[] = []): Promise<number> => Number((await catalog.query(sql, params))[0].count);

  it('does not seed at start-up outside development', async () => {
    expect(await count('SELECT count(*) FROM catalog.products')).toBe(0);
  });

  it('seeds each demo product exactly once when two instances start at the same moment', async () => {
    const seeder = app.get(DemoCatalogSeeder);
    const created = await Promise.all([seeder.seedIfEmpty(), seeder.seedIfEmpty()]);

    expect(created[0] + created[1]).toBe(DEMO_PRODUCTS.length);
    expect(await count('SELECT count(*) FROM catalog.products')).toBe(DEMO_PRODUCTS.length);
    expect(await count('SELECT count(*) FROM catalog.outbox WHERE type = $1', [ProductCreatedV1.type])).toBe(DEMO_PRODUCTS.length);
  });

  it('leaves a catalog that has products alone', async () => {
    expect(await app.get(DemoCatalogSeeder).seedIfEmpty()).toBe(0);
    expect(await count('SELECT count(*) FROM catalog.products')).toBe(DEMO_PRODUCTS.length);
  });
});
