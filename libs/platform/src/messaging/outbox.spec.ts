import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { messageType, type MessageEnvelope } from '@shop/contracts';
import { DatabaseConnector } from '../database/database-connector.js';
import { DeadlineExceededError } from '../http/deadline.js';
import { RequestContext } from '../http/request-context.js';
import { createTestDatabase, type TestDatabase } from '@shop/testing';
import { inboxSubscription } from './inbox-consumer.js';
import { InProcessTransport } from './in-process-transport.js';
import type { MessageTransport } from './message-transport.js';
import { OnIntegrationEvent } from './on-integration-event.decorator.js';
import { inboxHandlerRenames, outboxMigrations } from './outbox-inbox.migration.js';
import { DEFAULT_RELAY_OPTIONS, OutboxRelay } from './outbox-relay.js';
import { entityManagerOf, UnitOfWork, type Transaction } from './unit-of-work.js';

interface ThingHappened {
  n: number;
}
const ThingHappened = messageType<ThingHappened>('probe.ThingHappened', 1);

/** A consumer whose effect is a row per handled message, so duplicates would show. */
class ThingCounter {
  failuresLeft = 0;

  @OnIntegrationEvent(ThingHappened, 'consumer.count-things')
  async count(event: ThingHappened, tx: Transaction): Promise<void> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('handler failed on purpose');
    }
    await entityManagerOf(tx).query('INSERT INTO consumer.effects (n) VALUES ($1)', [event.n]);
  }
}

class CreateEffects1763700000001 {
  async up(queryRunner: { query(sql: string): Promise<unknown> }): Promise<void> {
    await queryRunner.query('CREATE TABLE consumer.effects (id serial PRIMARY KEY, n integer NOT NULL)');
  }
  async down(): Promise<void> {}
}

describe('transactional outbox and inbox (PostgreSQL)', () => {
  let database: TestDatabase;
  let connector: DatabaseConnector;
  let producerSource: DataSource;
  let consumerSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('outbox');
    connector = new DatabaseConnector({ kind: 'postgres', url: database.url });
    producerSource = await connector.open({ schema: 'producer', entities: [], migrations: outboxMigrations('producer') });
    consumerSource = await connector.open({
      schema: 'consumer',
      entities: [],
      migrations: [...outboxMigrations('consumer'), CreateEffects1763700000001],
    });
  });
  afterAll(async () => {
    await connector.close();
    await database.drop();
  });
  beforeEach(async () => {
    await producerSource.query('TRUNCATE producer.outbox');
    await consumerSource.query('TRUNCATE consumer.effects, consumer.inbox');
  });

  /** A running app's wiring, minus Nest: a producer context whose relay feeds a consumer context. */
  async function wire(options = DEFAULT_RELAY_OPTIONS) {
    const transport = new InProcessTransport();
    const counter = new ThingCounter();
    await transport.subscribe(inboxSubscription(new UnitOfWork('consumer', { dataSource: consumerSource }, () => undefined), [counter]));
    const relay = new OutboxRelay('producer', { dataSource: producerSource }, transport, options);
    const producer = new UnitOfWork('producer', { dataSource: producerSource }, () => relay.wake());
    return { transport, counter, relay, producer };
  }

  const effects = async (): Promise<number[]> =>
    (await consumerSource.query('SELECT n FROM consumer.effects ORDER BY id')).map((row: { n: number }) => row.n);

  it('dispatches nothing when the transaction rolls back', async () => {
    const { relay, producer } = await wire();
    await expect(
      producer.run(async (tx) => {
        await tx.publish(ThingHappened, { n: 1 });
        throw new Error('business rule violated');
      }),
    ).rejects.toThrow('business rule violated');
    expect(await relay.drain()).toBe(0);
    expect(await producerSource.query('SELECT count(*)::int AS n FROM producer.outbox')).toEqual([{ n: 0 }]);
    expect(await effects()).toEqual([]);
  });

  it("commits nothing when the caller's deadline passes before the commit, and commits when it does not", async () => {
    const { producer } = await wire();
    const slowWork = (deadline: number) =>
      RequestContext.run({ requestId: 'deadline-test', deadline }, () =>
        producer.run(async (tx) => {
          await tx.publish(ThingHappened, { n: 1 });
          await new Promise((resolve) => setTimeout(resolve, 60));
        }),
      );
    await expect(slowWork(Date.now() + 20)).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(await producerSource.query('SELECT count(*)::int AS n FROM producer.outbox')).toEqual([{ n: 0 }]);

    await slowWork(Date.now() + 5000);
    expect(await producerSource.query('SELECT count(*)::int AS n FROM producer.outbox')).toEqual([{ n: 1 }]);
  });

  it('dispatches on the next start what was committed before the process died', async () => {
    // First life: commit, then "die" before any relay ran (no relay is wired to this unit of work).
    await new UnitOfWork('producer', { dataSource: producerSource }, () => undefined).run((tx) => tx.publish(ThingHappened, { n: 7 }));
    expect(await effects()).toEqual([]);

    // Next start: the relay starts and finds the committed row.
    const { relay } = await wire();
    relay.start();
    await waitFor(async () => (await effects()).length === 1);
    await relay.stop();
    expect(await effects()).toEqual([7]);
    const [row] = await producerSource.query('SELECT published_at FROM producer.outbox');
    expect(row.published_at).not.toBeNull();
  });

  it('wakes on commit, without waiting for the poll', async () => {
    const { relay, producer } = await wire({ ...DEFAULT_RELAY_OPTIONS, pollIntervalMs: 60_000 });
    relay.start();
    await relay.drain();
    const started = Date.now();
    await producer.run((tx) => tx.publish(ThingHappened, { n: 3 }));
    await waitFor(async () => (await effects()).length === 1);
    await relay.stop();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('applies a message delivered twice only once', async () => {
    const { transport } = await wire();
    const envelope: MessageEnvelope<ThingHappened> = {
      messageId: randomUUID(),
      type: ThingHappened.type,
      version: ThingHappened.version,
      occurredAt: new Date().toISOString(),
      correlationId: 'test',
      causationId: null,
      payload: { n: 42 },
    };
    expect(await transport.publish([envelope, envelope])).toEqual([null, null]);
    expect(await transport.publish([envelope])).toEqual([null]);
    expect(await effects()).toEqual([42]);
  });

  describe('handler names on the wire', () => {
    const envelopeOf = (n: number): MessageEnvelope<ThingHappened> => ({
      messageId: randomUUID(),
      type: ThingHappened.type,
      version: ThingHappened.version,
      occurredAt: new Date().toISOString(),
      correlationId: 'test',
      causationId: null,
      payload: { n },
    });

    /** The same handler after a refactoring: another class, another method, the same explicit name. */
    class RenamedThingCounter {
      @OnIntegrationEvent(ThingHappened, 'consumer.count-things')
      async countAgain(event: ThingHappened, tx: Transaction): Promise<void> {
        await entityManagerOf(tx).query('INSERT INTO consumer.effects (n) VALUES ($1)', [event.n]);
      }
    }

    it('recognises a redelivery after the consumer class and method were renamed', async () => {
      const envelope = envelopeOf(11);
      const { transport } = await wire();
      expect(await transport.publish([envelope])).toEqual([null]);

      const afterDeploy = new InProcessTransport();
      await afterDeploy.subscribe(
        inboxSubscription(new UnitOfWork('consumer', { dataSource: consumerSource }, () => undefined), [new RenamedThingCounter()]),
      );
      expect(await afterDeploy.publish([envelope])).toEqual([null]);
      expect(await effects()).toEqual([11]);
      expect(await consumerSource.query('SELECT handler FROM consumer.inbox')).toEqual([{ handler: 'consumer.count-things' }]);
    });

    it('keeps a message handled under a former key handled once the rename migration ran', async () => {
      const envelope = envelopeOf(12);
      await consumerSource.query("INSERT INTO consumer.inbox (message_id, handler) VALUES ($1, 'ThingCounter.count')", [
        envelope.messageId,
      ]);
      const rename = inboxHandlerRenames('consumer', 'RenameThingHandlers1763700000002', { 'ThingCounter.count': 'consumer.count-things' });
      await connector.open({
        schema: 'consumer',
        entities: [],
        migrations: [...outboxMigrations('consumer'), CreateEffects1763700000001, rename],
      });

      const { transport } = await wire();
      expect(await transport.publish([envelope])).toEqual([null]);
      expect(await effects()).toEqual([]);
    });

    it('refuses two handlers under one name, and a name that does not start with its context', async () => {
      const uow = new UnitOfWork('consumer', { dataSource: consumerSource }, () => undefined);
      expect(() => inboxSubscription(uow, [new ThingCounter(), new RenamedThingCounter()])).toThrow(
        'The handler name "consumer.count-things" is used by both ThingCounter.count and RenamedThingCounter.countAgain.',
      );
      class Misnamed {
        @OnIntegrationEvent(ThingHappened, 'producer.count-things')
        async count(): Promise<void> {}
      }
      expect(() => inboxSubscription(uow, [new Misnamed()])).toThrow('must read consumer.<what-it-does>');
    });
  });

  it('retries a failing handler with back-off, then delivers once', async () => {
    const { relay, producer, counter } = await wire({ ...DEFAULT_RELAY_OPTIONS, pollIntervalMs: 50 });
    counter.failuresLeft = 2;
    await producer.run((tx) => tx.publish(ThingHappened, { n: 5 }));
    relay.start();
    await waitFor(async () => (await effects()).length === 1, 5000);
    await relay.stop();
    const [row] = await producerSource.query('SELECT attempts, published_at, last_error FROM producer.outbox');
    expect(row).toMatchObject({ attempts: 3, last_error: null });
    expect(row.published_at).not.toBeNull();
    expect(await effects()).toEqual([5]);
  });

  it('retries after each back-off, not only when the safety-net poll comes round', async () => {
    const { relay, producer, counter } = await wire({ ...DEFAULT_RELAY_OPTIONS, pollIntervalMs: 60_000 });
    counter.failuresLeft = 2;
    await producer.run((tx) => tx.publish(ThingHappened, { n: 6 }));
    relay.start();
    // Back-offs of 0.25 s and 1 s: delivered on the third attempt well before the minute-long poll.
    await waitFor(async () => (await effects()).length === 1, 5000);
    await relay.stop();
    expect(await effects()).toEqual([6]);
  });

  it('sets a message aside as dead after its last attempt, with the error', async () => {
    const { relay, producer, counter } = await wire({ ...DEFAULT_RELAY_OPTIONS, maxAttempts: 2 });
    counter.failuresLeft = 100;
    await producer.run((tx) => tx.publish(ThingHappened, { n: 9 }));
    await relay.drain();
    await producerSource.query('UPDATE producer.outbox SET available_at = now()'); // skip the back-off
    await relay.drain();
    const [row] = await producerSource.query('SELECT attempts, published_at, dead_at, last_error FROM producer.outbox');
    expect(row).toMatchObject({ attempts: 2, published_at: null, last_error: 'handler failed on purpose' });
    expect(row.dead_at).not.toBeNull();
    await producerSource.query('UPDATE producer.outbox SET available_at = now()');
    expect(await relay.drain()).toBe(0);
  });

  it('never lets two relays publish the same row', async () => {
    const published: string[] = [];
    const recording: MessageTransport = {
      publish: async (envelopes) => {
        published.push(...envelopes.map((envelope) => envelope.messageId));
        await new Promise((resolve) => setTimeout(resolve, 5));
        return envelopes.map(() => null);
      },
      subscribe: async () => undefined,
      ready: async () => undefined,
      observe: () => () => undefined,
      pause: async () => undefined,
      resume: async () => undefined,
      close: async () => undefined,
    };
    const producer = new UnitOfWork('producer', { dataSource: producerSource }, () => undefined);
    await Promise.all(Array.from({ length: 200 }, (_, n) => producer.run((tx) => tx.publish(ThingHappened, { n }))));

    const options = { ...DEFAULT_RELAY_OPTIONS, batchSize: 7 };
    const relays = Array.from({ length: 4 }, () => new OutboxRelay('producer', { dataSource: producerSource }, recording, options));
    const counts = await Promise.all(relays.map((relay) => relay.drain()));

    expect(counts.reduce((a, b) => a + b, 0)).toBe(200);
    expect(counts.filter((count) => count > 0).length).toBeGreaterThan(1);
    expect(new Set(published).size).toBe(200);
    expect(published).toHaveLength(200);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
