import type { DataSource } from 'typeorm';
import { DatabaseConnector } from '@shop/platform';
import { createTestDatabase, standIn, type TestDatabase } from '@shop/testing';
import { STRANGLER_MIGRATIONS } from '../control/migrations.js';
import { ControlChannel } from '../control/control-channel.js';
import { KEEP_OUTCOMES_S, OutcomeStore, type Side } from './outcomes.js';

/** PostgreSQL carries at most this many bind parameters in one statement; a row of outcomes takes seven. */
const ROWS_ONE_STATEMENT_CAN_CARRY = Math.floor(65_535 / 7);

interface Totals {
  requests: number;
  errors: number;
}

describe('OutcomeStore on PostgreSQL', () => {
  let database: TestDatabase;
  let connector: DatabaseConnector;
  let dataSource: DataSource;
  let channel: ControlChannel;
  /** The stores' clock: whole seconds, so every answer falls in the second the test means. */
  let nowMs: number;
  /** Set to make the store's INSERTs fail (those the predicate picks), as they would with the database gone. */
  let failInsert: ((statement: number) => boolean) | undefined;
  let inserts: number;

  const newStore = () =>
    new OutcomeStore(
      standIn<DataSource>({
        query: (sql: string, params?: unknown[]) => {
          if (sql.trimStart().startsWith('INSERT') && failInsert?.((inserts += 1))) return Promise.reject(new Error('database gone'));
          return dataSource.query(sql, params);
        },
      }),
      channel,
      'instance-1',
      () => nowMs,
    );

  /** Answers in `seconds` distinct seconds ending now, per context and side, 1 to 3 a second, some errors. */
  const answerAcross = (store: OutcomeStore, contexts: string[], seconds: number): Map<string, Totals> => {
    const startMs = nowMs;
    const expected = new Map(contexts.map((context) => [context, { requests: 0, errors: 0 }]));
    for (let s = 0; s < seconds; s += 1) {
      nowMs = startMs - s * 1000;
      for (const context of contexts) {
        for (const side of ['monolith', 'service'] as Side[]) {
          for (let i = 0; i <= s % 3; i += 1) {
            const error = i === 0 && s % 5 === 0;
            store.record(context, side, 0, error);
            expected.get(context)!.requests += 1;
            if (error) expected.get(context)!.errors += 1;
          }
        }
      }
    }
    nowMs = startMs;
    return expected;
  };

  /** What the table holds for a context, both sides together. */
  const written = async (context: string): Promise<Totals & { rows: number }> => {
    const [row] = await dataSource.query(
      `SELECT count(*)::int AS rows, coalesce(sum(requests), 0)::int AS requests, coalesce(sum(errors), 0)::int AS errors
       FROM strangler.outcomes WHERE context = $1`,
      [context],
    );
    return row;
  };

  beforeAll(async () => {
    database = await createTestDatabase('outcomes');
    connector = new DatabaseConnector({ kind: 'postgres', url: database.url });
    dataSource = await connector.open({ schema: 'strangler', entities: [], migrations: STRANGLER_MIGRATIONS });
    channel = new ControlChannel(dataSource, async () => undefined);
  }, 30_000);

  beforeEach(async () => {
    await dataSource.query('TRUNCATE strangler.outcomes');
    nowMs = Math.floor(Date.now() / 1000) * 1000;
    failInsert = undefined;
    inserts = 0;
  });

  afterAll(async () => {
    await connector?.close().catch(() => undefined);
    await database?.drop();
  }, 30_000);

  it('writes more rows than one statement can carry, every sum exact', async () => {
    const store = newStore();
    const contexts = ['a', 'b', 'c', 'd', 'e', 'f'];
    const expected = answerAcross(store, contexts, KEEP_OUTCOMES_S);
    expect(contexts.length * 2 * KEEP_OUTCOMES_S).toBeGreaterThan(ROWS_ONE_STATEMENT_CAN_CARRY);

    await store.flush();

    const since = new Date(nowMs - KEEP_OUTCOMES_S * 1000);
    for (const context of contexts) {
      expect(await written(context)).toEqual({ rows: 2 * KEEP_OUTCOMES_S, ...expected.get(context) });
      const window = await store.window(context, since);
      expect(window.monolith.requests + window.service.requests).toBe(expected.get(context)!.requests);
      expect(window.monolith.latency.total + window.service.latency.total).toBe(expected.get(context)!.requests);
    }
  }, 60_000);

  it('after a failed flush keeps only the seconds still within the retention, and writes them exactly once', async () => {
    const store = newStore();
    const outageMs = (KEEP_OUTCOMES_S + 60) * 1000;
    const recentMs = nowMs;
    nowMs = recentMs - outageMs;
    for (let i = 0; i < 3; i += 1) store.record('probe', 'service', 0, false);
    nowMs = recentMs;
    store.record('probe', 'service', 0, true);
    store.record('probe', 'service', 0, false);

    failInsert = () => true;
    await expect(store.flush()).rejects.toThrow('database gone');
    failInsert = undefined;
    await store.flush();
    await store.flush();

    const rows = await dataSource.query('SELECT second, requests, errors FROM strangler.outcomes WHERE context = $1', ['probe']);
    expect(rows).toEqual([{ second: new Date(recentMs), requests: 2, errors: 1 }]);
  });

  it('after a flush failed part way, writes what was left without writing again what was already written', async () => {
    const store = newStore();
    const contexts = ['a', 'b', 'c', 'd', 'e', 'f'];
    const expected = answerAcross(store, contexts, KEEP_OUTCOMES_S);

    failInsert = (statement) => statement === 2;
    await expect(store.flush()).rejects.toThrow('database gone');
    await store.flush();
    await store.flush();

    for (const context of contexts) expect(await written(context)).toEqual({ rows: 2 * KEEP_OUTCOMES_S, ...expected.get(context) });
  }, 60_000);
});
