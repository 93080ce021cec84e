import type { DataSource } from 'typeorm';
import { createTestDatabase } from '@shop/testing';
import { IN_MEMORY, type DatabaseConfig } from '../config/platform.config.js';
import { DatabaseConnector } from '../database/database-connector.js';
import { CreateApiUsage1764800000100 } from './1764800000100-create-api-usage.migration.js';
import { ApiUsageLedger, MAX_PENDING_CLIENTS } from './api-usage.ledger.js';

type Backend = { name: string; setUp: () => Promise<{ config: DatabaseConfig; tearDown: () => Promise<void> }> };

const backends: Backend[] = [
  { name: 'PGlite', setUp: async () => ({ config: { kind: 'pglite', dataDir: IN_MEMORY }, tearDown: async () => undefined }) },
  {
    name: 'PostgreSQL',
    setUp: async () => {
      const database = await createTestDatabase('api_usage');
      return { config: { kind: 'postgres', url: database.url }, tearDown: () => database.drop() };
    },
  },
];

const at = (time: string) => new Date(`2026-12-02T${time}Z`);
const page = { limit: 100, offset: 0 };

describe.each(backends)('ApiUsageLedger on $name', ({ setUp }) => {
  let connector: DatabaseConnector;
  let dataSource: DataSource;
  let tearDown: () => Promise<void>;
  let now: Date;
  const clock = () => now;

  beforeAll(async () => {
    const backend = await setUp();
    tearDown = backend.tearDown;
    connector = new DatabaseConnector(backend.config);
    dataSource = await connector.open({ schema: 'platform', entities: [], migrations: [CreateApiUsage1764800000100] });
  }, 60_000);
  afterAll(async () => {
    await connector.close();
    await tearDown();
  });
  beforeEach(async () => {
    now = at('10:00:00');
    await dataSource.query('DELETE FROM platform.api_usage');
  });

  it('adds each flush to what the table holds: calls summed, first and last call kept', async () => {
    const ledger = new ApiUsageLedger(dataSource, clock);
    ledger.record({ api: 'orders', version: 'v1', clientId: 'alice' });
    now = at('10:00:30');
    ledger.record({ api: 'orders', version: 'v1', clientId: 'alice' });
    ledger.record({ api: 'orders', version: 'v2', clientId: 'alice' });
    await ledger.flush();
    now = at('10:05:00');
    ledger.record({ api: 'orders', version: 'v1', clientId: 'alice' });
    ledger.record({ api: 'orders', version: 'v1', clientId: 'bob' });
    await ledger.flush();

    const v1 = await ledger.list({ version: 'v1' }, page);
    expect(v1).toEqual({
      items: [
        {
          api: 'orders',
          version: 'v1',
          clientId: 'alice',
          calls: 3,
          firstSeen: '2026-12-02T10:00:00.000Z',
          lastSeen: '2026-12-02T10:05:00.000Z',
        },
        {
          api: 'orders',
          version: 'v1',
          clientId: 'bob',
          calls: 1,
          firstSeen: '2026-12-02T10:05:00.000Z',
          lastSeen: '2026-12-02T10:05:00.000Z',
        },
      ],
      total: 2,
      limit: 100,
      offset: 0,
    });
    expect((await ledger.list({ version: 'v2' }, page)).items).toEqual([expect.objectContaining({ clientId: 'alice', calls: 1 })]);
    expect((await ledger.list({ api: 'products' }, page)).total).toBe(0);
    // Latest call first, then by name: alice and bob both last called at 10:05, alice's v2 call was at 10:00:30.
    const second = await ledger.list({}, { limit: 1, offset: 1 });
    expect(second).toMatchObject({ total: 3, items: [expect.objectContaining({ clientId: 'bob', version: 'v1' })] });
  });

  it('adds up what two instances counted for the same client', async () => {
    const one = new ApiUsageLedger(dataSource, clock);
    const two = new ApiUsageLedger(dataSource, clock);
    one.record({ api: 'orders', version: 'v1', clientId: 'carol' });
    now = at('10:01:00');
    two.record({ api: 'orders', version: 'v1', clientId: 'carol' });
    two.record({ api: 'orders', version: 'v1', clientId: 'carol' });
    await Promise.all([two.flush(), one.flush()]);
    expect((await one.list({}, page)).items).toEqual([
      {
        api: 'orders',
        version: 'v1',
        clientId: 'carol',
        calls: 3,
        firstSeen: '2026-12-02T10:00:00.000Z',
        lastSeen: '2026-12-02T10:01:00.000Z',
      },
    ]);
  });

  it('keeps what a failed flush could not write, and writes it with the next', async () => {
    const ledger = new ApiUsageLedger(dataSource, clock);
    ledger.record({ api: 'orders', version: 'v1', clientId: 'dave' });
    await dataSource.query('ALTER TABLE platform.api_usage RENAME TO api_usage_away');
    try {
      await expect(ledger.flush()).rejects.toThrow();
      now = at('10:02:00');
      ledger.record({ api: 'orders', version: 'v1', clientId: 'dave' });
    } finally {
      await dataSource.query('ALTER TABLE platform.api_usage_away RENAME TO api_usage');
    }
    await ledger.flush();
    expect((await ledger.list({}, page)).items).toEqual([
      {
        api: 'orders',
        version: 'v1',
        clientId: 'dave',
        calls: 2,
        firstSeen: '2026-12-02T10:00:00.000Z',
        lastSeen: '2026-12-02T10:02:00.000Z',
      },
    ]);
  });

  it(`holds at most ${MAX_PENDING_CLIENTS} clients between flushes, and still counts the calls of those it holds`, async () => {
    const ledger = new ApiUsageLedger(dataSource, clock);
    for (let i = 0; i <= MAX_PENDING_CLIENTS; i += 1) ledger.record({ api: 'orders', version: 'v1', clientId: `client-${i}` });
    ledger.record({ api: 'orders', version: 'v1', clientId: 'client-0' });
    await ledger.flush();
    const [{ rows, calls }] = await dataSource.query('SELECT count(*)::int AS rows, sum(calls)::int AS calls FROM platform.api_usage');
    expect({ rows, calls }).toEqual({ rows: MAX_PENDING_CLIENTS, calls: MAX_PENDING_CLIENTS + 1 });
    expect(await dataSource.query('SELECT 1 FROM platform.api_usage WHERE client_id = $1', [`client-${MAX_PENDING_CLIENTS}`])).toEqual([]);
  }, 60_000);
});
