import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { DataSource, type MigrationInterface, type MixedList } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import { IN_MEMORY, type DatabaseConfig } from '../config/platform.config.js';
import { pgliteDriver, PGliteSessionLock } from './pglite-pool.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity classes
type EntityList = MixedList<Function>;

export interface ContextDatabaseOptions {
  /** The context's PostgreSQL schema; it also holds the context's own `migrations` table. */
  schema: string;
  entities: EntityList;
  migrations: Array<new () => MigrationInterface>;
}

/**
 * Opens one DataSource per context, on PostgreSQL when DATABASE_URL is set and on embedded
 * PGlite otherwise. Each context's schema is created and its migrations run before the
 * DataSource is handed out, so no code ever sees an unmigrated schema.
 */
export class DatabaseConnector {
  private pglite: Promise<PGlite> | undefined;
  private readonly lock = new PGliteSessionLock();
  private readonly opened: DataSource[] = [];

  constructor(private readonly config: DatabaseConfig) {}

  get kind(): DatabaseConfig['kind'] {
    return this.config.kind;
  }

  async open(options: ContextDatabaseOptions): Promise<DataSource> {
    return this.openAt(this.config, options);
  }

  /**
   * Opens a context's DataSource on another database than the process's own (a context's data
   * handed to its own database): PostgreSQL only, migrated like any other.
   */
  async openAt(database: DatabaseConfig, options: ContextDatabaseOptions): Promise<DataSource> {
    const dataSource = new DataSource({
      ...(await this.connection(database)),
      schema: options.schema,
      entities: options.entities,
      migrations: options.migrations,
      migrationsTableName: 'migrations',
      migrationsTransactionMode: 'each',
      synchronize: false,
      // Ids are made in code or by gen_random_uuid(); PGlite has no uuid-ossp to install.
      installExtensions: false,
    });
    await dataSource.initialize();
    this.opened.push(dataSource);
    await this.migrate(dataSource, options.schema, database.kind);
    return dataSource;
  }

  /** Closes one DataSource this connector opened (one that a context moved away from). */
  async release(dataSource: DataSource): Promise<void> {
    const index = this.opened.indexOf(dataSource);
    if (index >= 0) this.opened.splice(index, 1);
    if (dataSource.isInitialized) await dataSource.destroy();
  }

  /**
   * Creates the schema and runs its pending migrations. On PostgreSQL an advisory lock per schema
   * makes instances that start together (monolith and order-service) migrate one after the other.
   */
  private async migrate(dataSource: DataSource, schema: string, kind: DatabaseConfig['kind']): Promise<void> {
    const lock = dataSource.createQueryRunner();
    const lockKey = `shop.migrations.${schema}`;
    try {
      if (kind === 'postgres') await lock.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
      await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      if (kind === 'postgres') await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
      await lock.release();
    }
  }

  /** A trivial round trip on every open DataSource: the readiness probe. */
  async ping(): Promise<void> {
    await Promise.all(this.opened.map((dataSource) => dataSource.query('SELECT 1')));
  }

  async close(): Promise<void> {
    const closing = this.opened.splice(0).map((dataSource) => dataSource.destroy());
    await Promise.allSettled(closing);
    const pglite = this.pglite;
    this.pglite = undefined;
    if (pglite) await (await pglite).close();
  }

  private async connection(database: DatabaseConfig): Promise<PostgresDataSourceOptions> {
    if (database.kind === 'postgres') {
      return { type: 'postgres', url: database.url, poolSize: 10, applicationName: 'shop' };
    }
    if (database !== this.config) throw new Error('Only the process database may be embedded (PGlite); a context moves to PostgreSQL.');
    this.pglite ??= this.createPGlite(database.dataDir);
    return { type: 'postgres', driver: pgliteDriver(await this.pglite, this.lock) };
  }

  private createPGlite(dataDir: string): Promise<PGlite> {
    if (dataDir === IN_MEMORY) return PGlite.create();
    const path = join(dataDir, 'pgdata');
    mkdirSync(path, { recursive: true });
    return PGlite.create(path);
  }
}
