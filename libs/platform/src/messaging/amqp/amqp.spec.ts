import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import type { DataSource } from 'typeorm';
import { messageType, type MessageEnvelope } from '@shop/contracts';
import { DatabaseConnector } from '../../database/database-connector.js';
import {
  createTestDatabase,
  DeliveryRecorder,
  deleteAmqpNamespace,
  TcpProxy,
  TEST_AMQP_URL,
  testAmqpNamespace,
  type TestDatabase,
} from '@shop/testing';
import { inboxSubscription } from '../inbox-consumer.js';
import { OnIntegrationEvent } from '../on-integration-event.decorator.js';
import { outboxMigrations } from '../outbox-inbox.migration.js';
import { DEFAULT_RELAY_OPTIONS, OutboxRelay } from '../outbox-relay.js';
import { entityManagerOf, UnitOfWork, type Transaction } from '../unit-of-work.js';
import { AmqpConnection } from './amqp-connection.js';
import { AmqpNames, HEADERS } from './amqp-names.js';
import { AmqpTransport } from './amqp-transport.js';
import { RpcClient, RpcServer, RpcUnavailableError, type ReplyMode } from './rpc.js';

interface Pinged {
  n: number;
}
const Pinged = messageType<Pinged>('probe.Pinged', 1);
const Waited = messageType<Pinged>('probe.Waited', 1);

/** A consumer whose database the test can take away (its DataSource goes through a proxy). */
class PatientCounter {
  @OnIntegrationEvent(Waited, 'patient.count-waits')
  async count(event: Pinged, tx: Transaction): Promise<void> {
    await entityManagerOf(tx).query('INSERT INTO patient.effects (n) VALUES ($1)', [event.n]);
  }
}

class CreatePatientEffects1763700000003 {
  async up(queryRunner: { query(sql: string): Promise<unknown> }): Promise<void> {
    await queryRunner.query('CREATE TABLE patient.effects (id serial PRIMARY KEY, n integer NOT NULL)');
  }
  async down(): Promise<void> {}
}

class PingCounter {
  failing = false;

  @OnIntegrationEvent(Pinged, 'consumer.count-pings')
  async count(event: Pinged, tx: Transaction): Promise<void> {
    if (this.failing) throw new Error(`cannot handle ping ${event.n}`);
    await entityManagerOf(tx).query('INSERT INTO consumer.effects (n) VALUES ($1)', [event.n]);
  }
}

class CreateEffects1763700000001 {
  async up(queryRunner: { query(sql: string): Promise<unknown> }): Promise<void> {
    await queryRunner.query('CREATE TABLE consumer.effects (id serial PRIMARY KEY, n integer NOT NULL)');
  }
  async down(): Promise<void> {}
}

const envelopeOf = (n: number): MessageEnvelope<Pinged> => ({
  messageId: randomUUID(),
  type: Pinged.type,
  version: Pinged.version,
  occurredAt: new Date().toISOString(),
  correlationId: 'amqp-spec',
  causationId: null,
  payload: { n },
});

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('RabbitMQ transport against the real broker', () => {
  let database: TestDatabase;
  let connector: DatabaseConnector;
  let producerSource: DataSource;
  let consumerSource: DataSource;
  let proxy: TcpProxy;
  let namespace: string;
  let names: AmqpNames;
  let connection: AmqpConnection;
  let transport: AmqpTransport;
  const counter = new PingCounter();

  beforeAll(async () => {
    database = await createTestDatabase('amqp');
    connector = new DatabaseConnector({ kind: 'postgres', url: database.url });
    producerSource = await connector.open({ schema: 'producer', entities: [], migrations: outboxMigrations('producer') });
    consumerSource = await connector.open({
      schema: 'consumer',
      entities: [],
      migrations: [...outboxMigrations('consumer'), CreateEffects1763700000001],
    });

    const broker = new URL(TEST_AMQP_URL);
    proxy = await TcpProxy.start({ host: broker.hostname, port: Number(broker.port || 5672) });
    namespace = testAmqpNamespace('amqp');
    names = new AmqpNames(namespace);
    connection = new AmqpConnection(proxy.rewrite(TEST_AMQP_URL));
    await connection.start();
    await connection.waitUntilConnected(5000);
    transport = new AmqpTransport(connection, names, { prefetch: 8, retryDelaysMs: [50, 100], unavailableRetryDelayMs: 50 });
    await transport.start();
    await transport.subscribe(inboxSubscription(new UnitOfWork('consumer', { dataSource: consumerSource }, () => undefined), [counter]));
  });

  afterAll(async () => {
    await transport.close();
    await proxy.stop();
    await connector.close();
    await database.drop();
    await deleteAmqpNamespace(namespace, { contexts: ['consumer', 'patient'], services: ['echo', 'nobody'] });
  });

  beforeEach(async () => {
    counter.failing = false;
    await producerSource.query('TRUNCATE producer.outbox');
    await consumerSource.query('TRUNCATE consumer.effects, consumer.inbox');
  });

  const effects = async (): Promise<number[]> =>
    (await consumerSource.query('SELECT n FROM consumer.effects ORDER BY n')).map((row: { n: number }) => row.n);

  it('carries an event from the outbox to the consumer', async () => {
    const relay = new OutboxRelay('producer', { dataSource: producerSource }, transport, DEFAULT_RELAY_OPTIONS);
    await new UnitOfWork('producer', { dataSource: producerSource }, () => undefined).run((tx) => tx.publish(Pinged, { n: 1 }));
    expect(await relay.drain()).toBe(1);
    await waitFor(async () => (await effects()).length === 1);
    expect(await effects()).toEqual([1]);
  });

  it('delivers an event committed while the broker was unreachable once it is back, and reconnects by itself', async () => {
    const relay = new OutboxRelay('producer', { dataSource: producerSource }, transport, { ...DEFAULT_RELAY_OPTIONS, pollIntervalMs: 100 });
    const producer = new UnitOfWork('producer', { dataSource: producerSource }, () => relay.wake());
    relay.start();
    proxy.cut();
    await waitFor(() => !connection.isConnected, 5000, 'disconnect noticed');
    await expect(transport.ready()).rejects.toThrow('not connected');

    await producer.run((tx) => tx.publish(Pinged, { n: 2 }));
    expect(await relay.drain()).toBe(0); // a pass that found the broker away
    expect(await effects()).toEqual([]);
    const [waiting] = await producerSource.query('SELECT published_at, attempts FROM producer.outbox');
    expect(waiting).toEqual({ published_at: null, attempts: 0 }); // kept, and not counted against the message

    proxy.restore();
    await waitFor(async () => (await effects()).length === 1, 15_000, 'delivery after reconnect');
    await relay.stop();
    expect(await effects()).toEqual([2]);
    await expect(transport.ready()).resolves.toBeUndefined();
  }, 30_000);

  it('applies a message delivered twice only once', async () => {
    const envelope = envelopeOf(3);
    const deliveries = new DeliveryRecorder(transport);
    expect(await transport.publish([envelope, envelope])).toEqual([null, null]);
    const outcomes = (await deliveries.settled(envelope.messageId, 'consumer', { count: 2 })).map((delivery) => delivery.outcome);
    deliveries.close();
    expect(outcomes.sort()).toEqual(['duplicate', 'handled']);
    expect(await effects()).toEqual([3]);
    const inbox = await consumerSource.query('SELECT count(*)::int AS n FROM consumer.inbox WHERE message_id = $1', [envelope.messageId]);
    expect(inbox).toEqual([{ n: 1 }]);
  });

  it("holds a paused context's messages in its queue, lets the deliveries under way end, and delivers the rest on resume", async () => {
    const deliveries = new DeliveryRecorder(transport);
    const first = envelopeOf(21);
    await transport.publish([first]);
    await deliveries.settled(first.messageId, 'consumer');

    await transport.pause('consumer');
    const held = [envelopeOf(22), envelopeOf(23)];
    expect(await transport.publish(held)).toEqual([null, null]);
    const inspector = await amqp.connect(TEST_AMQP_URL);
    try {
      const channel = await inspector.createChannel();
      await waitFor(
        async () => (await channel.checkQueue(names.consumerQueue('consumer'))).messageCount === 2,
        3000,
        'both waiting in the queue',
      );
    } finally {
      await inspector.close();
    }
    expect(held.flatMap((envelope) => deliveries.of(envelope.messageId, 'consumer'))).toEqual([]);

    await transport.resume('consumer');
    for (const envelope of held) await deliveries.settled(envelope.messageId, 'consumer');
    deliveries.close();
    expect(await effects()).toEqual([21, 22, 23]);
  });

  it('retries a failing handler, then dead-letters the message with its error and attempts', async () => {
    counter.failing = true;
    const envelope = envelopeOf(4);
    await transport.publish([envelope]);

    const inspector = await amqp.connect(TEST_AMQP_URL);
    try {
      const channel = await inspector.createChannel();
      let dead: amqp.GetMessage | false = false;
      await waitFor(
        async () => (dead = await channel.get(names.deadLetterQueue('consumer'), { noAck: true })) !== false,
        5000,
        'dead letter',
      );
      const message = dead as unknown as amqp.GetMessage;
      expect(message.properties.messageId).toBe(envelope.messageId);
      expect(message.properties.headers?.[HEADERS.attempts]).toBe(3);
      expect(message.properties.headers?.[HEADERS.lastError]).toBe('cannot handle ping 4');
      expect(JSON.parse(message.content.toString())).toEqual({ n: 4 });
    } finally {
      await inspector.close();
    }
    expect(await effects()).toEqual([]);
  });

  it('retries a delivery while its database is unreachable without counting it, and handles it once the database is back', async () => {
    const postgres = new URL(database.url);
    const databaseProxy = await TcpProxy.start({ host: postgres.hostname, port: Number(postgres.port || 5432) });
    const patientConnector = new DatabaseConnector({ kind: 'postgres', url: databaseProxy.rewrite(database.url) });
    try {
      const patientSource = await patientConnector.open({
        schema: 'patient',
        entities: [],
        migrations: [...outboxMigrations('patient'), CreatePatientEffects1763700000003],
      });
      await transport.subscribe(
        inboxSubscription(new UnitOfWork('patient', { dataSource: patientSource }, () => undefined), [new PatientCounter()]),
      );
      const failed: string[] = [];
      const stop = transport.observe((delivery) => delivery.context === 'patient' && failed.push(delivery.outcome));

      databaseProxy.cut();
      const envelope = { ...envelopeOf(6), type: Waited.type };
      await transport.publish([envelope]);
      // Twice the attempts a failing message has (three, with this transport's two retry delays).
      await waitFor(() => failed.length >= 6, 10_000, 'six failed deliveries');
      expect(failed.slice(0, 6)).toEqual(Array(6).fill('failed'));
      databaseProxy.restore();

      const handled = async () => (await consumerSource.query('SELECT n FROM patient.effects')).map((row: { n: number }) => row.n);
      await waitFor(async () => (await handled()).length === 1, 10_000, 'the delivery handled once the database is back');
      stop();
      expect(await handled()).toEqual([6]);
      const inspector = await amqp.connect(TEST_AMQP_URL);
      try {
        const channel = await inspector.createChannel();
        expect(await channel.get(names.deadLetterQueue('patient'), { noAck: true })).toBe(false);
      } finally {
        await inspector.close();
      }
    } finally {
      await patientConnector.close();
      await databaseProxy.stop();
    }
  }, 30_000);

  it('understands a message published by a non-Nest producer (plain AMQP properties and headers)', async () => {
    const raw = await amqp.connect(TEST_AMQP_URL);
    try {
      const channel = await raw.createConfirmChannel();
      channel.publish(names.eventsExchange, 'probe.Pinged.v1', Buffer.from(JSON.stringify({ n: 5 })), {
        messageId: randomUUID(),
        type: 'probe.Pinged',
        contentType: 'application/json',
        persistent: true,
        headers: { [HEADERS.version]: 1 },
      });
      await channel.waitForConfirms();
    } finally {
      await raw.close();
    }
    await waitFor(async () => (await effects()).length === 1);
    expect(await effects()).toEqual([5]);
  });

  describe('request-reply', () => {
    it.each<ReplyMode>(['queue', 'direct'])('answers calls with %s replies, matched to their callers', async (mode) => {
      const server = new RpcServer(connection, names);
      await server.serve('echo', async ({ payload, headers }) => ({ echoed: payload, requestId: headers['x-request-id'] }));
      const client = new RpcClient(connection, names, `spec-${mode}`, mode);
      await client.start();
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          client.call<{ echoed: number; requestId: string }>(
            'echo',
            { route: 'echo', payload: i, headers: { 'x-request-id': `r${i}` } },
            2000,
          ),
        ),
      );
      expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => ({ echoed: i, requestId: `r${i}` })));
      await client.close();
    });

    it('fails a call to a missing responder within its timeout', async () => {
      const client = new RpcClient(connection, names, 'spec-timeout');
      await client.start();
      const started = Date.now();
      const call = client.call('nobody', { route: 'anything', payload: null, headers: {} }, 300);
      await expect(call).rejects.toMatchObject({ name: 'RpcUnavailableError', reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(600);
      await client.close();
    });

    it('fails at once, instead of hanging, while the broker is unreachable', async () => {
      const client = new RpcClient(connection, names, 'spec-down');
      await client.start();
      proxy.cut();
      await waitFor(() => !connection.isConnected, 5000, 'disconnect noticed');
      const started = Date.now();
      await expect(client.call('echo', { route: 'echo', payload: 1, headers: {} }, 5000)).rejects.toBeInstanceOf(RpcUnavailableError);
      expect(Date.now() - started).toBeLessThan(100);
      proxy.restore();
      await connection.waitUntilConnected(15_000);
      await client.close();
    }, 30_000);
  });
});
