import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@shop/testing';
import { ConfigError, loadConfiguration } from '../config/config-slice.js';
import { platformConfig } from '../config/platform.config.js';
import { ProblemCatalog } from '../http/problem-catalog.js';
import { processCounters } from '../observability/counters.js';
import { TIMEOUTS_COUNTER } from '../observability/timeouts.js';
import { contextPoolConfig, isConnectionWaitTimeout, isStatementTimeout } from './context-pool.js';
import { DatabaseConnector, type ContextDatabaseOptions } from './database-connector.js';

const context = (schema: string, size: number, statementTimeoutMs: number): ContextDatabaseOptions => ({
  schema,
  entities: [],
  migrations: [],
  pool: { size, statementTimeoutMs },
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
const sqlTimeouts = (target: string) => processCounters.total(TIMEOUTS_COUNTER, { call: 'sql', target });
const poolTimeouts = (target: string) => processCounters.total(TIMEOUTS_COUNTER, { call: 'db-pool', target });

describe('a context pool configuration', () => {
  it('defaults to 10 connections and a 10 s statement timeout, per context', () => {
    expect(loadConfiguration([contextPoolConfig('ordering')], {}).get(contextPoolConfig('ordering'))).toEqual({
      size: 10,
      statementTimeoutMs: 10_000,
    });
    const env = { ORDERING_DB_POOL_SIZE: '4', ORDERING_DB_STATEMENT_TIMEOUT_MS: '1500' };
    const configuration = loadConfiguration([contextPoolConfig('ordering'), contextPoolConfig('catalog')], env);
    expect(configuration.get(contextPoolConfig('ordering'))).toEqual({ size: 4, statementTimeoutMs: 1500 });
    expect(configuration.get(contextPoolConfig('catalog'))).toEqual({ size: 10, statementTimeoutMs: 10_000 });
  });

  it('refuses a pool of no connection and a statement timeout below 100 ms, each with its variable', () => {
    expect(() =>
      loadConfiguration([contextPoolConfig('ordering')], { ORDERING_DB_POOL_SIZE: '0', ORDERING_DB_STATEMENT_TIMEOUT_MS: '5' }),
    ).toThrow(
      new ConfigError([
        'ORDERING_DB_POOL_SIZE: must be between 2 and 50 (got "0")',
        'ORDERING_DB_STATEMENT_TIMEOUT_MS: must be between 100 and 600000 (got "5")',
      ]),
    );
  });

  it('keeps the shared pool a test switch: refused in production', () => {
    expect(() => loadConfiguration([platformConfig], { NODE_ENV: 'production', DATABASE_SHARED_POOL: '10' })).toThrow(
      /DATABASE_SHARED_POOL: a test switch/,
    );
  });
});

describe('context pools on PostgreSQL', () => {
  let database: TestDatabase;
  let locker: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase('pools');
    locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await database?.drop();
  });

  it('cancels a statement after the statement timeout, logs and counts it, and reads it as a 503 that applied nothing', async () => {
    const connector = new DatabaseConnector({ kind: 'postgres', url: database.url });
    try {
      const slow = await connector.open(context('slowpoke', 2, 300));
      const before = sqlTimeouts('slowpoke');
      const started = performance.now();
      const error = await failure(slow.query('SELECT pg_sleep(5)'));
      expect(performance.now() - started).toBeLessThan(2000);
      expect(isStatementTimeout(error)).toBe(true);
      expect(sqlTimeouts('slowpoke')).toBe(before + 1);

      const problem = new ProblemCatalog().toProblem(error)!;
      expect(problem.getStatus()).toBe(503);
      expect(problem.problem.type).toMatch(/\/database-timeout$/);
      expect(problem.problem.detail).toContain('nothing was applied');
      expect(problem.headers['Retry-After']).toBe('1');
    } finally {
      await connector.close();
    }
  });

  it('gives each context its own connections: one whose pool is used up waits (then times out) alone', async () => {
    const connector = new DatabaseConnector({ kind: 'postgres', url: database.url });
    try {
      const busy = await connector.open(context('busy', 2, 500));
      const calm = await connector.open(context('calm', 2, 500));
      const before = poolTimeouts('busy');
      const holding = [busy.query('SELECT pg_sleep(0.2)'), busy.query('SELECT pg_sleep(0.2)')];
      const waiting = failure(busy.query('SELECT 1'));
      // The neighbour answers at once while busy's connections are taken.
      const started = performance.now();
      expect(await calm.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      expect(performance.now() - started).toBeLessThan(150);
      await Promise.all(holding);
      expect(await waiting).toBeUndefined(); // it waited less than the timeout, and ran

      // Both connections taken for 450 ms; of three waiters, the third's turn comes after its 500 ms.
      const stuck = [busy.query('SELECT pg_sleep(0.45)'), busy.query('SELECT pg_sleep(0.45)')];
      await new Promise((resolve) => setTimeout(resolve, 20));
      const waiters = await Promise.all([1, 2, 3].map(() => failure(busy.query('SELECT pg_sleep(0.2)'))));
      await Promise.all(stuck);
      const gaveUp = waiters.find((error) => error !== undefined);
      expect(isConnectionWaitTimeout(gaveUp)).toBe(true);
      expect(poolTimeouts('busy')).toBe(before + 1);
    } finally {
      await connector.close();
    }
  });

  it('puts every context on one pool when shared, where a busy context makes the others wait', async () => {
    const connector = new DatabaseConnector({ kind: 'postgres', url: database.url }, { sharedPool: { size: 2, statementTimeoutMs: 400 } });
    try {
      const busy = await connector.open(context('busy_shared', 5, 400));
      const calm = await connector.open(context('calm_shared', 5, 400));
      const holding = Promise.all([busy.query('SELECT pg_sleep(0.3)'), busy.query('SELECT pg_sleep(0.3)')]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const started = performance.now();
      expect(await calm.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      // calm waited for busy's statements to end: the very wait its own pool spares it.
      expect(performance.now() - started).toBeGreaterThan(200);
      await holding;
    } finally {
      await connector.close();
    }
  });
});
