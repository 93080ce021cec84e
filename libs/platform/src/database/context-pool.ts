import { Logger } from '@nestjs/common';
import pg from 'pg';
import type { Logger as QueryLogger } from 'typeorm';
import { defineConfig, type ConfigSlice } from '../config/config-slice.js';
import { variables } from '../config/variables.js';
import { timedOut } from '../observability/timeouts.js';

/** One context's connections to its database: how many at most, and how long one statement (or a wait for a connection) may take. */
export interface PoolSettings {
  size: number;
  statementTimeoutMs: number;
}

export const DEFAULT_POOL: PoolSettings = { size: 10, statementTimeoutMs: 10_000 };

const poolSlices = new Map<string, ConfigSlice<PoolSettings>>();

/**
 * `<CONTEXT>_DB_POOL_SIZE` and `<CONTEXT>_DB_STATEMENT_TIMEOUT_MS`: the context's own pool (a
 * bulkhead: a context whose tables are locked uses up its own connections, not its neighbours') and
 * the time after which PostgreSQL cancels one of its statements, which is also the longest wait for
 * a free connection.
 */
export function contextPoolConfig(context: string): ConfigSlice<PoolSettings> {
  let slice = poolSlices.get(context);
  if (!slice) {
    const size = `${context.toUpperCase()}_DB_POOL_SIZE`;
    const timeout = `${context.toUpperCase()}_DB_STATEMENT_TIMEOUT_MS`;
    slice = defineConfig({
      name: `${context}.database`,
      variables: {
        // Two at least: migrations hold one connection for their lock while they run on another.
        [size]: variables.wholeNumber(2, 50, 'connections').default(DEFAULT_POOL.size),
        [timeout]: variables.wholeNumber(100, 600_000, 'milliseconds').default(DEFAULT_POOL.statementTimeoutMs),
      },
      build: (raw): PoolSettings => ({ size: raw[size] as number, statementTimeoutMs: raw[timeout] as number }),
    });
    poolSlices.set(context, slice);
  }
  return slice;
}

/** pg's own pool class, or what TypeORM takes in its place (`driver`). */
type PoolClass = new (config: pg.PoolConfig) => pg.Pool;
type ConnectCallback = (error: Error | undefined, client: pg.PoolClient | undefined, release: (error?: Error) => void) => void;

const CONNECTION_WAIT_TIMED_OUT = /timeout exceeded when trying to connect|connection timeout/i;

/** PostgreSQL cancelled the statement because it ran past statement_timeout (SQLSTATE 57014 with that reason). */
export function isStatementTimeout(error: unknown): boolean {
  const candidate = error as { code?: unknown; message?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = candidate?.code ?? candidate?.driverError?.code;
  return code === '57014' && /statement timeout/.test(String(candidate?.message));
}

/** No connection of the pool came free (or could be opened) in time. */
export function isConnectionWaitTimeout(error: unknown): boolean {
  return error instanceof Error && CONNECTION_WAIT_TIMED_OUT.test(error.message);
}

/** The database did not answer in time: the statement was cancelled (its transaction rolled back) or never started. */
export const isDatabaseTimeout = (error: unknown): boolean => isStatementTimeout(error) || isConnectionWaitTimeout(error);

/** TypeORM's query logger, used only to see statements PostgreSQL cancelled on their timeout (logged and counted). */
export class StatementTimeoutLogger implements QueryLogger {
  private readonly logger: Logger;

  constructor(
    private readonly owner: string,
    private readonly timeoutMs: number,
  ) {
    this.logger = new Logger(`Database:${owner}`);
  }

  logQueryError(error: string | Error, query: string): void {
    if (!isStatementTimeout(error)) return;
    // The statement's text is the code's own (values travel as parameters, never logged).
    timedOut(this.logger, 'sql', this.owner, this.timeoutMs, { statement: query.replace(/\s+/g, ' ').trim().slice(0, 120) });
  }

  logQuery(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/**
 * The `driver` TypeORM builds its pool with: pg itself, whose pools log and count a wait for a
 * connection that timed out. With `shared`, every DataSource built with it gets that one pool, ended
 * when the last of them ends it.
 */
export function timedPgDriver(owner: string, waitTimeoutMs: number, shared?: SharedPool): typeof pg {
  const logger = new Logger(`Database:${owner}`);
  const Pool = function (config: pg.PoolConfig): pg.Pool {
    if (shared) return shared.use(() => watchConnectionWaits(new pg.Pool(config), logger, owner, waitTimeoutMs));
    return watchConnectionWaits(new pg.Pool(config), logger, owner, waitTimeoutMs);
  } as unknown as PoolClass;
  return Object.assign(Object.create(pg) as typeof pg, { Pool });
}

/** One pool for every context of the process (a switch for tests that show what separate pools protect). */
export class SharedPool {
  private pool: pg.Pool | undefined;
  private users = 0;

  use(create: () => pg.Pool): pg.Pool {
    if (!this.pool) {
      const pool = create();
      const end = pool.end.bind(pool);
      // Each DataSource ends "its" pool when it closes; only the last one really ends it.
      pool.end = ((callback?: (error?: Error) => void) => {
        this.users -= 1;
        if (this.users > 0) return callback ? callback() : Promise.resolve();
        this.pool = undefined;
        return callback ? end(callback) : end();
      }) as typeof pool.end;
      this.pool = pool;
    }
    this.users += 1;
    return this.pool;
  }
}

function watchConnectionWaits(pool: pg.Pool, logger: Logger, owner: string, waitTimeoutMs: number): pg.Pool {
  const connect = pool.connect.bind(pool) as (callback: ConnectCallback) => void;
  const noteTimeout = (error: unknown) => {
    if (isConnectionWaitTimeout(error)) timedOut(logger, 'db-pool', owner, waitTimeoutMs, { poolSize: pool.options.max });
  };
  pool.connect = ((callback?: ConnectCallback) => {
    if (callback) {
      connect((error, client, release) => {
        noteTimeout(error);
        callback(error, client, release);
      });
      return undefined;
    }
    return new Promise<pg.PoolClient>((resolve, reject) =>
      connect((error, client) => {
        noteTimeout(error);
        if (error) reject(error);
        else resolve(client!);
      }),
    );
  }) as typeof pool.connect;
  return pool;
}
