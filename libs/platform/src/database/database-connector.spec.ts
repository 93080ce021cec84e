import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@shop/testing';
import { IN_MEMORY, type DatabaseConfig } from '../config/platform.config.js';
import { entityManagerOf, UnitOfWork } from '../messaging/unit-of-work.js';
import { ContextDatabase } from './context-database.js';
import { DatabaseConnector, type ContextDatabaseOptions } from './database-connector.js';

class CreateAlphaItems1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE alpha.items (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE alpha.items');
  }
}

class CreateBetaItems1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE beta.items (id int PRIMARY KEY)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE beta.items');
  }
}

const alpha: ContextDatabaseOptions = { schema: 'alpha', entities: [], migrations: [CreateAlphaItems1700000000001] };
const beta: ContextDatabaseOptions = { schema: 'beta', entities: [], migrations: [CreateBetaItems1700000000001] };

const appliedMigrations = async (connector: DatabaseConnector, schema: string) => {
  const dataSource = await connector.open({ schema, entities: [], migrations: [] });
  const rows: Array<{ name: string }> = await dataSource.query(`SELECT name FROM "${schema}".migrations ORDER BY id`);
  return rows.map((row) => row.name);
};

type Backend = { name: string; setUp: () => Promise<{ config: DatabaseConfig; tearDown: () => Promise<void> }> };

const backends: Backend[] = [
  { name: 'PGlite in memory', setUp: async () => ({ config: { kind: 'pglite', dataDir: IN_MEMORY }, tearDown: async () => undefined }) },
  {
    name: 'PGlite on disk',
    setUp: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'shop-pglite-'));
      return { config: { kind: 'pglite', dataDir: dir }, tearDown: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL',
    setUp: async () => {
      const database: TestDatabase = await createTestDatabase('connector');
      return { config: { kind: 'postgres', url: database.url }, tearDown: () => database.drop() };
    },
  },
];

// One database per backend for the whole block (PGlite's initdb costs seconds); each test drops what it made.
describe.each(backends)('DatabaseConnector on $name', ({ setUp }) => {
  let tearDown: () => Promise<void>;
  let connector: DatabaseConnector;

  beforeAll(async () => {
    let config: DatabaseConfig;
    ({ config, tearDown } = await setUp());
    connector = new DatabaseConnector(config);
    await connector.open({ schema: 'public', entities: [], migrations: [] }); // PGlite's initdb happens here
  }, 60_000);
  afterEach(async () => {
    const dataSource = await connector.open({ schema: 'public', entities: [], migrations: [] });
    await dataSource.query('DROP SCHEMA IF EXISTS alpha CASCADE; DROP SCHEMA IF EXISTS beta CASCADE');
  });
  afterAll(async () => {
    await connector.close();
    await tearDown();
  });

  it('gives each context its own schema and its own migrations table', async () => {
    const alphaSource = await connector.open(alpha);
    await connector.open(beta);

    await alphaSource.query("INSERT INTO alpha.items (name) VALUES ('a')");
    expect(await appliedMigrations(connector, 'alpha')).toEqual(['CreateAlphaItems1700000000001']);
    expect(await appliedMigrations(connector, 'beta')).toEqual(['CreateBetaItems1700000000001']);
    const tables: Array<{ table_schema: string; table_name: string }> = await alphaSource.query(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('alpha', 'beta') ORDER BY 1, 2",
    );
    expect(tables).toEqual([
      { table_schema: 'alpha', table_name: 'items' },
      { table_schema: 'alpha', table_name: 'migrations' },
      { table_schema: 'beta', table_name: 'items' },
      { table_schema: 'beta', table_name: 'migrations' },
    ]);
  });

  it('runs each migration once, however often the context is opened', async () => {
    await connector.open(alpha);
    await connector.open(alpha);
    expect(await appliedMigrations(connector, 'alpha')).toEqual(['CreateAlphaItems1700000000001']);
  });

  it('never interleaves concurrent transactions', async () => {
    const dataSource = await connector.open(alpha);
    const failing = dataSource.transaction(async (manager) => {
      await manager.query("INSERT INTO alpha.items (name) VALUES ('rolled back')");
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('abort');
    });
    const succeeding = Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        dataSource.transaction((manager) => manager.query('INSERT INTO alpha.items (name) VALUES ($1)', [`kept ${i}`])),
      ),
    );
    await expect(failing).rejects.toThrow('abort');
    await succeeding;
    const rows: Array<{ name: string }> = await dataSource.query('SELECT name FROM alpha.items ORDER BY name');
    expect(rows.map((row) => row.name)).toEqual(['kept 0', 'kept 1', 'kept 2', 'kept 3', 'kept 4']);
  });

  it('reports the rows an UPDATE changed, as conditional updates rely on it', async () => {
    const dataSource = await connector.open(alpha);
    await dataSource.query("INSERT INTO alpha.items (name) VALUES ('x'), ('x'), ('y')");
    const result = await dataSource
      .createQueryBuilder()
      .update('alpha.items')
      .set({ name: 'z' })
      .where('name = :name', { name: 'x' })
      .execute();
    expect(result.affected).toBe(2);
  });

  it('answers the readiness ping', async () => {
    await connector.open(alpha);
    await expect(connector.ping()).resolves.toBeUndefined();
  });
});

describe('DatabaseConnector on PGlite on disk', () => {
  it('keeps the data and the applied migrations across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shop-pglite-'));
    try {
      const first = new DatabaseConnector({ kind: 'pglite', dataDir: dir });
      await (await first.open(alpha)).query("INSERT INTO alpha.items (name) VALUES ('survivor')");
      await first.close();

      const second = new DatabaseConnector({ kind: 'pglite', dataDir: dir });
      const rows: Array<{ name: string }> = await (await second.open(alpha)).query('SELECT name FROM alpha.items');
      const migrations = await appliedMigrations(second, 'alpha');
      await second.close();
      expect(rows).toEqual([{ name: 'survivor' }]);
      expect(migrations).toEqual(['CreateAlphaItems1700000000001']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000); // two PGlite starts, one with initdb
});

describe('DatabaseConnector on PostgreSQL, two instances starting together', () => {
  it('migrates a schema once while both open it at the same time', async () => {
    const database = await createTestDatabase('migrate_race');
    const instances = [
      new DatabaseConnector({ kind: 'postgres', url: database.url }),
      new DatabaseConnector({ kind: 'postgres', url: database.url }),
    ];
    try {
      await Promise.all(instances.map((instance) => instance.open(alpha)));
      expect(await appliedMigrations(instances[0]!, 'alpha')).toEqual(['CreateAlphaItems1700000000001']);
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
      await database.drop();
    }
  });
});

describe('ContextDatabase on PostgreSQL, moving a context to another database', () => {
  it('prepares the schema there, then sends the next unit of work there, with no restart', async () => {
    const [home, own] = [await createTestDatabase('move_home'), await createTestDatabase('move_own')];
    const connector = new DatabaseConnector({ kind: 'postgres', url: home.url });
    try {
      const context = new ContextDatabase('alpha', await connector.open(alpha), connector, alpha);
      const uow = new UnitOfWork('alpha', context, () => undefined);
      const insert = (name: string) => uow.run((tx) => entityManagerOf(tx).query('INSERT INTO alpha.items (name) VALUES ($1)', [name]));
      await insert('before the move');

      const target = { kind: 'postgres' as const, url: own.url };
      const prepared = await context.prepare(target);
      expect(await prepared.query('SELECT name FROM alpha.migrations')).toEqual([{ name: 'CreateAlphaItems1700000000001' }]);
      expect(await prepared.query('SELECT name FROM alpha.items')).toEqual([]);

      await context.moveTo(target, 'own', prepared);
      await insert('after the move');
      expect(context.locatedAt).toBe('own');
      expect(await prepared.query('SELECT name FROM alpha.items')).toEqual([{ name: 'after the move' }]);
      const homeRows: Array<{ name: string }> = await (await connector.open(alpha)).query('SELECT name FROM alpha.items');
      expect(homeRows).toEqual([{ name: 'before the move' }]);
    } finally {
      await connector.close();
      await Promise.all([home.drop(), own.drop()]);
    }
  });
});
