import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { DataSource, type MigrationInterface, type MixedList } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import { IN_MEMORY, type DatabaseConfig } from '../config/platform.config.js';
import { DEFAULT_POOL, SharedPool, StatementTimeoutLogger, timedPgDriver, type PoolSettings } from './context-pool.js';
import { DatabaseNotifications, type NotificationHandler, type Unlisten } from './database-notifications.js';
import { pgliteDriver, PGliteSessionLock } from './pglite-pool.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity classes
type EntityList = MixedList<Function>;

export interface ContextDatabaseOptions {
  /** The context's PostgreSQL schema; it also holds the context's own `migrations` table. */
  schema: string;
  entities: EntityList;
  migrations: Array<new () => MigrationInterface>;
  /** The context's own pool on PostgreSQL (DEFAULT_POOL when not given). */
  pool?: PoolSettings;
}

export interface ConnectorOptions {
  /** One pool for every context on the process's database, instead of one pool each (tests only). */
  sharedPool?: PoolSettings;
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
  private notifications: DatabaseNotifications | undefined;
  private readonly sharedPool: SharedPool | undefined;

  constructor(
    private readonly config: DatabaseConfig,
    private readonly options: ConnectorOptions = {},
  ) {
    this.sharedPool = options.sharedPool === undefined ? undefined : new SharedPool();
  }

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
      ...(await this.connection(database, options.schema, options.pool ?? DEFAULT_POOL)),
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
      // Waiting for another instance's migrations is no statement to cancel: no timeout on this session until it is released.
      if (kind === 'postgres') await lock.query('SET statement_timeout = 0');
      if (kind === 'postgres') await lock.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
      await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      if (kind === 'postgres') await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
      if (kind === 'postgres') await lock.query('RESET statement_timeout');
      await lock.release();
    }
  }

  /** A trivial round trip on every open DataSource: the readiness probe. */
  async ping(): Promise<void> {
    await Promise.all(this.opened.map((dataSource) => dataSource.query('SELECT 1')));
  }

  /**
   * Calls `handler` on each NOTIFY of `channel` from any instance (and once after a lost listener
   * connection came back). Undefined on PGlite, which only ever has one instance: nobody else
   * could notify it.
   */
  async listen(channel: string, handler: NotificationHandler): Promise<Unlisten | undefined> {
    if (this.config.kind !== 'postgres') return undefined;
    this.notifications ??= new DatabaseNotifications(this.config.url);
    return this.notifications.listen(channel, handler);
  }

  async close(): Promise<void> {
    await this.notifications?.close();
    this.notifications = undefined;
    const closing = this.opened.splice(0).map((dataSource) => dataSource.destroy());
    await Promise.allSettled(closing);
    const pglite = this.pglite;
    this.pglite = undefined;
    if (pglite) await (await pglite).close();
  }

  /**
   * On PostgreSQL, the context's own pool (or the shared one), every statement cancelled by the
   * server after `statementTimeoutMs`, and a wait for a free connection given up after as long.
   */
  private async connection(database: DatabaseConfig, schema: string, pool: PoolSettings): Promise<PostgresDataSourceOptions> {
    if (database.kind === 'postgres') {
      const shared = database === this.config ? this.sharedPool : undefined;
      const { size, statementTimeoutMs } = shared ? this.options.sharedPool! : pool;
      return {
        type: 'postgres',
        url: database.url,
        applicationName: 'shop',
        poolSize: size,
        connectTimeoutMS: statementTimeoutMs,
        extra: { statement_timeout: statementTimeoutMs },
        driver: timedPgDriver(shared ? 'shared pool' : schema, statementTimeoutMs, shared),
        logger: new StatementTimeoutLogger(schema, statementTimeoutMs),
      };
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
