import type { DataSource } from 'typeorm';
import { DatabaseConnector } from '@shop/platform';
import { createTestDatabase, eventually, type TestDatabase } from '@shop/testing';
import { STRANGLER_MIGRATIONS } from '../control/migrations.js';
import { ControlChannel } from '../control/control-channel.js';
import type { StrangleableContext } from '../routing/strangleable-context.js';
import { REDACTED } from './redaction.js';
import { ShadowComparer } from './shadow-comparer.js';
import { ShadowMirror, type MirrorOutcome } from './shadow-mirror.js';
import { ShadowSettings } from './shadow-settings.js';
import { ShadowStore } from './shadow-store.js';

const READS = 10_000;
const ROUTE = 'replay.GetOrder.v1';
/** The one planted regression: the service answers a wrong price for the second item of every 50th read. */
const planted = (read: number) => read % 50 === 10;
/** Noise on the monolith itself: for every 5th read, the second item's stock changes with every answer. */
const noisy = (read: number) => read % 5 === 0;
const PER_INSTANCE = { concurrency: 8, queue: 64 };

const descriptor: StrangleableContext = {
  context: 'replay',
  service: 'replay-service',
  commands: {},
  queries: {},
  shadowIgnores: ['$.items[*].updatedAt'],
  shadowUnordered: ['$.tags'],
};

/** An order as one side answers it; `answers` counts that side's answers (the noisy field moves with it). */
function order(read: number, side: 'monolith' | 'service', answers: number) {
  return {
    id: `order-${read % 1000}`,
    status: 'CONFIRMED',
    customer: { id: `customer-${read % 97}`, email: `customer-${read % 97}@example.com` },
    items: [
      { sku: 'MUG', priceCents: 500, updatedAt: side === 'monolith' ? '2026-01-01T00:00:00.000Z' : '2026-01-01T00:00:00.017Z' },
      {
        sku: 'TEA',
        priceCents: side === 'service' && planted(read) ? 251 : 250,
        stock: noisy(read) ? answers : 7,
        updatedAt: side === 'monolith' ? '2026-01-02T00:00:00.000Z' : '2026-01-02T00:00:00.017Z',
      },
    ],
    tags: side === 'monolith' ? ['gift', 'express', 'fragile'] : ['fragile', 'gift', 'express'],
  };
}

/**
 * The shadow replayed: two instances (two comparers, two stores, two settings caches) on one real
 * PostgreSQL database share 10,000 reads. The service differs from the monolith in ignored paths on
 * every read, orders an unordered array its own way, and carries one planted regression on a known
 * subset; the monolith disagrees with itself in one field on another subset.
 */
describe('shadow replay of 10,000 reads on two instances', () => {
  let database: TestDatabase;
  const connectors: DatabaseConnector[] = [];
  const channels: ControlChannel[] = [];
  const settings: ShadowSettings[] = [];
  const stores: ShadowStore[] = [];

  const instance = async (name: string) => {
    const connector = new DatabaseConnector({ kind: 'postgres', url: database.url });
    connectors.push(connector);
    const dataSource: DataSource = await connector.open({
      schema: 'strangler',
      entities: [],
      migrations: STRANGLER_MIGRATIONS,
    });
    const channel = new ControlChannel(dataSource, (channelName, handler) => connector.listen(channelName, handler));
    await channel.start();
    channels.push(channel);
    const shadowSettings = new ShadowSettings(dataSource, channel, () => descriptor);
    await shadowSettings.start();
    settings.push(shadowSettings);
    const store = new ShadowStore(dataSource, name, { retentionMs: 3_600_000, samplesPerRoute: 20, flushEveryMs: 200 });
    store.start();
    stores.push(store);
    const mirror = new ShadowMirror(new ShadowComparer(store), shadowSettings, store, PER_INSTANCE);
    return { dataSource, settings: shadowSettings, store, mirror };
  };

  beforeAll(async () => {
    database = await createTestDatabase('shadow_replay');
  });
  afterAll(async () => {
    for (const store of stores) await store.stop();
    settings.forEach((each) => each.stop());
    for (const channel of channels) await channel.close();
    for (const connector of connectors) await connector.close();
    await database?.drop();
  });

  it('finds every planted mismatch and nothing else, never reports ignored paths, and measures the noise apart', async () => {
    const one = await instance('replay-a');
    const two = await instance('replay-b');
    // The descriptor's rules are the defaults; the operator asks for a baseline on a tenth of the reads, on one instance.
    expect(two.settings.get('replay')).toEqual({
      samplePercent: 100,
      noisePercent: 10,
      ignore: ['$.items[*].updatedAt'],
      unordered: ['$.tags'],
    });
    await one.settings.save('replay', { ...one.settings.get('replay'), noisePercent: 10 }, 'operator');
    await eventually(
      () => (two.settings.get('replay').noisePercent === 10 ? true : undefined),
      2000,
      'the settings heard by the other instance',
    );

    const outcomes = new Map<number, MirrorOutcome>();
    let next = 0;
    const worker = async (mirror: ShadowMirror) => {
      for (let read = next++; read < READS; read = next++) {
        let monolithAnswers = 0;
        let serviceAnswers = 0;
        outcomes.set(
          read,
          await mirror.mirror({
            context: 'replay',
            route: ROUTE,
            primary: order(read, 'monolith', (monolithAnswers += 1)),
            shadow: async () => order(read, 'service', (serviceAnswers += 1)),
            reread: async () => order(read, 'monolith', (monolithAnswers += 1)),
            requestId: `read-${read}`,
          }),
        );
      }
    };
    // As many reads in flight on each instance as its bulkhead runs at once: none waits, none is dropped.
    await Promise.all([one, two].flatMap(({ mirror }) => Array.from({ length: PER_INSTANCE.concurrency }, () => worker(mirror))));
    await Promise.all([one.store.flush(), two.store.flush()]);

    const expected = [...Array(READS).keys()].filter(planted);
    const mismatched = [...outcomes].filter(([, outcome]) => outcome === 'mismatch').map(([read]) => read);
    expect(expected).toHaveLength(200);
    expect(mismatched.sort((a, b) => a - b)).toEqual(expected); // recall 100%, and nothing else
    expect(new Set(outcomes.values())).toEqual(new Set(['match', 'mismatch']));

    // Summed over both instances, each of which wrote rows of its own.
    const instances: Array<{ instance: string }> = await one.dataSource.query(
      'SELECT DISTINCT instance FROM strangler.shadow_counts ORDER BY instance',
    );
    expect(instances.map(({ instance: name }) => name)).toEqual(['replay-a', 'replay-b']);
    const sums = await two.store.sums('replay');
    expect(sums).toMatchObject({ compared: READS, matches: READS - 200, mismatches: 200, dropped: 0, unavailable: 0 });
    expect((await one.store.byRoute())['replay']![ROUTE]).toEqual(sums);

    // The noise: about a fifth of the baselines (about a tenth of the reads) saw the monolith differ from itself.
    expect(sums.baselines).toBeGreaterThan(READS * 0.07);
    expect(sums.baselines).toBeLessThan(READS * 0.13);
    expect(sums.noiseRate).toBeGreaterThan(0.13);
    expect(sums.noiseRate).toBeLessThan(0.27);

    // Samples: the latest 20 of the route, each naming the planted path; ignored and unordered paths never.
    const samples = await one.store.samplesOf('replay', { limit: 100 });
    expect(samples).toHaveLength(20);
    for (const sample of samples) {
      expect(expected).toContain(Number(sample.requestId!.slice('read-'.length)));
      expect(sample.paths.filter((path) => !sample.noisyPaths.includes(path))).toEqual(['$.items[*].priceCents']);
      expect(sample.concretePaths).toContain('$.items[1].priceCents');
      expect(sample.noisyPaths).toEqual(['$.items[*].stock']);
      expect(JSON.stringify(sample.paths)).not.toMatch(/updatedAt|tags/);
      expect(sample.monolith).toMatchObject({ customer: { email: REDACTED }, items: [{ priceCents: 500 }, { priceCents: 250 }] });
      expect(sample.service).toMatchObject({ customer: { email: REDACTED }, items: [{ priceCents: 500 }, { priceCents: 251 }] });
    }
  }, 120_000);
});
