// Outbox latency: a producer context commits one event per transaction at a paced rate; its
// outbox relay (woken on commit, as in the apps) hands the events to the transport; a consumer
// context's inbox handler records when each arrives. Wired by hand as the platform wires a
// context (see outbox.spec.ts and amqp.spec.ts), with the platform's default relay and consumer options.
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { messageType } from '@shop/contracts';
import { AmqpConnection, AmqpNames, DatabaseConnector, OnIntegrationEvent, OutboxRelay, UnitOfWork } from '@shop/platform';
// tools/bench is a measurement harness, not a context: it wires platform internals the apps get from Nest modules.
import { AmqpTransport } from '../../../libs/platform/src/messaging/amqp/amqp-transport.js';
import { InProcessTransport } from '../../../libs/platform/src/messaging/in-process-transport.js';
import { inboxSubscription } from '../../../libs/platform/src/messaging/inbox-consumer.js';
import type { MessageTransport } from '../../../libs/platform/src/messaging/message-transport.js';
import { outboxMigrations } from '../../../libs/platform/src/messaging/outbox-inbox.migration.js';
import { percentile, sleep, waitUntil } from './measure.js';

interface Probed {
  round: number;
  n: number;
}
const Probed = messageType<Probed>('bench.Probed', 1);

export type OutboxTransportKind = 'amqp' | 'in-process';

export interface OutboxFigures {
  /** Events per second actually committed. */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  count: number;
}

interface ArrivalRecorder {
  arrivals: Map<string, number>;
}

/** The consuming context's handler: notes when each event reached it. */
function arrivalRecorder(context: string): ArrivalRecorder {
  class Recorder implements ArrivalRecorder {
    arrivals = new Map<string, number>();

    @OnIntegrationEvent(Probed, `${context}.record-arrival`)
    async record(event: Probed): Promise<void> {
      this.arrivals.set(`${event.round}:${event.n}`, performance.now());
    }
  }
  return new Recorder();
}

interface Wiring {
  producer: UnitOfWork;
  relay: OutboxRelay;
  transport: MessageTransport;
  recorder: ArrivalRecorder;
}

/** One producer and one consumer context per transport, on a database and broker namespace of the caller's. */
export class OutboxProbe {
  private readonly connector: DatabaseConnector;
  private readonly wirings = new Map<OutboxTransportKind, Wiring>();
  private amqp: AmqpConnection | undefined;
  private round = 0;

  constructor(
    databaseUrl: string,
    private readonly amqpUrl: string,
    private readonly namespace: string,
  ) {
    this.connector = new DatabaseConnector({ kind: 'postgres', url: databaseUrl });
  }

  /** The consuming contexts (their queues) this probe declares under its namespace. */
  static readonly consumerContexts = ['probe_consumer_amqp'];

  async start(): Promise<void> {
    this.amqp = new AmqpConnection(this.amqpUrl);
    await this.amqp.start();
    await this.amqp.waitUntilConnected(5000);
    const amqpTransport = new AmqpTransport(this.amqp, new AmqpNames(this.namespace));
    await amqpTransport.start();
    this.wirings.set('amqp', await this.wire('amqp', amqpTransport));
    this.wirings.set('in-process', await this.wire('in_process', new InProcessTransport()));
  }

  /** Commits `rate` events per second for `seconds`, one per transaction, and measures commit → handler. */
  async run(kind: OutboxTransportKind, rate: number, seconds: number): Promise<OutboxFigures> {
    const { producer, recorder } = this.wirings.get(kind)!;
    const round = (this.round += 1);
    const count = Math.round(rate * seconds);
    const committed = new Array<number>(count);
    const commits: Array<Promise<void>> = [];
    const intervalMs = 1000 / rate;
    const begin = performance.now();
    for (let n = 0; n < count; n += 1) {
      const wait = begin + n * intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
      commits.push(producer.run((tx) => tx.publish(Probed, { round, n })).then(() => void (committed[n] = performance.now())));
    }
    await Promise.all(commits);
    const actualRate = count / ((performance.now() - begin) / 1000);
    const key = (n: number) => `${round}:${n}`;
    await waitUntil(
      () => committed.every((_, n) => recorder.arrivals.has(key(n))),
      60_000,
      `${count} probe events delivered over ${kind}`,
      20,
    );
    // An arrival can be noted before the producer's promise resolved (the relay runs on commit): it counts as 0 ms.
    const latencies = committed.map((at, n) => Math.max(0, recorder.arrivals.get(key(n))! - at)).sort((a, b) => a - b);
    for (let n = 0; n < count; n += 1) recorder.arrivals.delete(key(n));
    return { rate: actualRate, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), maxMs: latencies.at(-1)!, count };
  }

  async close(): Promise<void> {
    for (const { relay, transport } of this.wirings.values()) {
      await relay.stop();
      if (!(transport instanceof AmqpTransport)) await transport.close();
    }
    await this.amqp?.close();
    await this.connector.close();
  }

  private async wire(suffix: string, transport: MessageTransport): Promise<Wiring> {
    const producerSchema = `probe_producer_${suffix}`;
    const consumerSchema = `probe_consumer_${suffix}`;
    const producerSource: DataSource = await this.connector.open({
      schema: producerSchema,
      entities: [],
      migrations: outboxMigrations(producerSchema),
    });
    const consumerSource: DataSource = await this.connector.open({
      schema: consumerSchema,
      entities: [],
      migrations: outboxMigrations(consumerSchema),
    });
    const recorder = arrivalRecorder(consumerSchema);
    const consumer = new UnitOfWork(consumerSchema, { dataSource: consumerSource }, () => undefined);
    await transport.subscribe(inboxSubscription(consumer, [recorder]));
    const relay = new OutboxRelay(producerSchema, { dataSource: producerSource }, transport);
    relay.start();
    return { producer: new UnitOfWork(producerSchema, { dataSource: producerSource }, () => relay.wake()), relay, transport, recorder };
  }
}
