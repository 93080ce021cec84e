import type { DataSource } from 'typeorm';
import { ConfigError, DatabaseConnector, loadConfiguration } from '@shop/platform';
import { createTestDatabase, type TestDatabase } from '@shop/testing';
import { STRANGLER_MIGRATIONS } from '../control/migrations.js';
import type { MismatchSample } from './shadow-comparer.js';
import { ShadowStore } from './shadow-store.js';
import { shadowConfig } from './shadow.config.js';

const HOUR_MS = 3_600_000;

const mismatch = (route: string, requestId: string): MismatchSample => ({
  context: 'ordering',
  route,
  requestId,
  at: new Date(),
  differences: [{ path: '$.items[0].priceCents', pattern: '$.items[*].priceCents', monolith: 500, service: 501, noisy: false }],
  monolith: { items: [{ priceCents: 500 }], customer: { email: 'ann@example.com' } },
  service: { items: [{ priceCents: 501 }], customer: { email: 'ann@example.com' } },
});

describe('ShadowStore on PostgreSQL', () => {
  let database: TestDatabase;
  let connector: DatabaseConnector;
  let dataSource: DataSource;
  const store = (instance: string) =>
    new ShadowStore(dataSource, instance, { retentionMs: HOUR_MS, samplesPerRoute: 3, flushEveryMs: HOUR_MS });

  beforeAll(async () => {
    database = await createTestDatabase('shadow_store');
    connector = new DatabaseConnector({ kind: 'postgres', url: database.url });
    dataSource = await connector.open({
      schema: 'strangler',
      entities: [],
      migrations: STRANGLER_MIGRATIONS,
    });
  });
  afterAll(async () => {
    await connector?.close();
    await database?.drop();
  });
  beforeEach(() => dataSource.query('TRUNCATE strangler.shadow_counts, strangler.shadow_samples'));

  it("sums every instance's counts per route, and per context since a moment", async () => {
    const [a, b] = [store('a'), store('b')];
    a.tally('ordering', 'ordering.GetOrder.v1', { compared: 2, matches: 2, baselines: 1 });
    b.tally('ordering', 'ordering.GetOrder.v1', { compared: 1, mismatches: 1, baselines: 1, noise: 1 });
    b.tally('ordering', 'ordering.ListOrders.v1', { dropped: 3, unavailable: 1 });
    await Promise.all([a.flush(), b.flush()]);
    a.tally('ordering', 'ordering.GetOrder.v1', { compared: 1, matches: 1 });
    await a.flush();

    expect(await a.byRoute()).toEqual({
      ordering: {
        'ordering.GetOrder.v1': {
          compared: 4,
          matches: 3,
          mismatches: 1,
          baselines: 2,
          noise: 1,
          noiseRate: 0.5,
          dropped: 0,
          unavailable: 0,
        },
        'ordering.ListOrders.v1': {
          compared: 0,
          matches: 0,
          mismatches: 0,
          baselines: 0,
          noise: 0,
          noiseRate: null,
          dropped: 3,
          unavailable: 1,
        },
      },
    });
    expect(await b.sums('ordering')).toMatchObject({ compared: 4, mismatches: 1, dropped: 3, unavailable: 1 });
    expect(await b.sums('ordering', Date.now() + 60_000)).toMatchObject({ compared: 0, mismatches: 0, noiseRate: null });
    expect(await b.sums('elsewhere')).toMatchObject({ compared: 0 });
  });

  it('keeps what a failed write could not write, and writes it with the next one', async () => {
    const a = store('a');
    a.tally('ordering', 'ordering.GetOrder.v1', { compared: 5, matches: 5 });
    a.mismatch(mismatch('ordering.GetOrder.v1', 'r-1'));
    await dataSource.query('ALTER TABLE strangler.shadow_counts RENAME TO shadow_counts_away');
    try {
      await expect(a.flush()).rejects.toThrow();
    } finally {
      await dataSource.query('ALTER TABLE strangler.shadow_counts_away RENAME TO shadow_counts');
    }
    a.tally('ordering', 'ordering.GetOrder.v1', { compared: 1, mismatches: 1 });
    await a.flush();

    expect(await a.sums('ordering')).toMatchObject({ compared: 6, matches: 5, mismatches: 1 });
    expect((await a.samplesOf('ordering', { limit: 10 })).map(({ requestId }) => requestId)).toEqual(['r-1']);
  });

  it('keeps the latest samples of each route across instances, newest first, redacted', async () => {
    const [a, b] = [store('a'), store('b')];
    for (let i = 1; i <= 4; i += 1) a.mismatch(mismatch('ordering.GetOrder.v1', `a-${i}`));
    await a.flush();
    for (let i = 1; i <= 2; i += 1) b.mismatch(mismatch('ordering.GetOrder.v1', `b-${i}`));
    b.mismatch(mismatch('ordering.ListOrders.v1', 'b-list'));
    await b.flush();

    const samples = await a.samplesOf('ordering', { route: 'ordering.GetOrder.v1', limit: 10 });
    expect(samples.map(({ requestId }) => requestId)).toEqual(['b-2', 'b-1', 'a-4']);
    expect(samples[0]).toEqual({
      at: expect.any(String),
      route: 'ordering.GetOrder.v1',
      requestId: 'b-2',
      paths: ['$.items[*].priceCents'],
      concretePaths: ['$.items[0].priceCents'],
      noisyPaths: [],
      monolith: { items: [{ priceCents: 500 }], customer: { email: '[redacted]' } },
      service: { items: [{ priceCents: 501 }], customer: { email: '[redacted]' } },
    });
    expect((await a.samplesOf('ordering', { limit: 2 })).map(({ requestId }) => requestId)).toEqual(['b-list', 'b-2']);
  });

  it('prunes counts older than the retention', async () => {
    await dataSource.query(
      `INSERT INTO strangler.shadow_counts (context, route, second, instance, compared, matches)
       VALUES ('ordering', 'ordering.GetOrder.v1', now() - interval '2 hours', 'gone', 7, 7)`,
    );
    const a = store('a');
    a.tally('ordering', 'ordering.GetOrder.v1', { compared: 1, matches: 1 });
    await a.flush();

    expect(await a.sums('ordering')).toMatchObject({ compared: 1 });
  });
});

describe('the shadow configuration', () => {
  it('defaults to 8 mirrored reads at once, 64 waiting, counts kept an hour; and says what is wrong', () => {
    expect(loadConfiguration([shadowConfig], {}).get(shadowConfig)).toEqual({ concurrency: 8, queue: 64, retentionMs: HOUR_MS });
    expect(() => loadConfiguration([shadowConfig], { STRANGLER_SHADOW_CONCURRENCY: '0', STRANGLER_SHADOW_QUEUE: 'lots' })).toThrow(
      ConfigError,
    );
  });
});
