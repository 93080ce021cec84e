import { Logger } from '@nestjs/common';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { MessageEnvelope } from '@shop/contracts';
import { routingKeyOf } from '@shop/contracts';
import {
  DeliveryObservers,
  HandlerUnavailableError,
  TransportUnavailableError,
  type Delivery,
  type DeliveryListener,
  type MessageTransport,
  type Subscription,
} from '../message-transport.js';
import { RETRY_DELAYS_MS, retryDelayMs } from '../retry-policy.js';
import type { AmqpConnection } from './amqp-connection.js';
import { fromAmqpMessage, MalformedMessageError, toAmqpMessage } from './amqp-envelope.js';
import { HEADERS, type AmqpNames } from './amqp-names.js';

export interface ConsumerOptions {
  /** Unacknowledged deliveries per consumer channel. */
  prefetch: number;
  /** Waits before the 2nd, 3rd … delivery of a failing message; after the last, it is dead-lettered. */
  retryDelaysMs: readonly number[];
  /** Wait before delivering again a message whose handler's database was unreachable (not counted as an attempt). */
  unavailableRetryDelayMs: number;
}

export const DEFAULT_CONSUMER_OPTIONS: ConsumerOptions = { prefetch: 16, retryDelaysMs: RETRY_DELAYS_MS, unavailableRetryDelayMs: 1000 };

/**
 * Integration events over RabbitMQ. Publishing: persistent messages on a confirm channel, all
 * confirms of a batch awaited together (pipelined). Consuming: one durable queue per context,
 * manual ack only after the handler's transaction (with its inbox row) committed, bounded prefetch;
 * a failing delivery waits in the retry queue with back-off, and after the last attempt goes to the
 * context's dead-letter queue with the error in its headers.
 */
/** One consuming context's consumer on the current connection. */
interface Consumer {
  subscription: Subscription;
  channel?: Channel;
  tag?: string;
  paused: boolean;
  inFlight: Set<Promise<void>>;
}

export class AmqpTransport implements MessageTransport {
  private readonly logger = new Logger('AmqpTransport');
  private readonly observers = new DeliveryObservers();
  private readonly consumers = new Map<string, Consumer>();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly names: AmqpNames,
    private readonly options: ConsumerOptions = DEFAULT_CONSUMER_OPTIONS,
  ) {}

  /** Declares the events exchange now and after every reconnect. */
  async start(): Promise<void> {
    await this.connection.addSetup(async (connection) => {
      const channel = await connection.createChannel();
      await channel.assertExchange(this.names.eventsExchange, 'topic', { durable: true });
      await channel.close();
    });
  }

  async publish(envelopes: MessageEnvelope[]): Promise<Array<Error | null>> {
    if (!this.connection.isConnected) return envelopes.map(() => new TransportUnavailableError());
    const confirms = envelopes.map((envelope) => {
      const { content, options } = toAmqpMessage(envelope);
      return this.connection.publish(this.names.eventsExchange, routingKeyOf(envelope), content, options);
    });
    const outcomes = await Promise.allSettled(confirms);
    return outcomes.map((outcome) => (outcome.status === 'fulfilled' ? null : asError(outcome.reason)));
  }

  async subscribe(subscription: Subscription, { paused = false } = {}): Promise<void> {
    const consumer: Consumer = { subscription, paused, inFlight: new Set() };
    this.consumers.set(subscription.queue, consumer);
    await this.connection.addSetup((connection) => this.consume(connection, consumer));
  }

  /** Stops taking the context's messages (they wait in its durable queue) and resolves once those under way are done. */
  async pause(context: string): Promise<void> {
    const consumer = this.consumerOf(context);
    consumer.paused = true;
    const { channel, tag } = consumer;
    consumer.tag = undefined;
    if (channel && tag) await channel.cancel(tag).catch(() => undefined); // a closed channel consumes nothing anyway
    await Promise.allSettled([...consumer.inFlight]);
  }

  async resume(context: string): Promise<void> {
    const consumer = this.consumerOf(context);
    consumer.paused = false;
    if (consumer.channel && !consumer.tag) await this.startConsuming(consumer);
  }

  async ready(): Promise<void> {
    if (!this.connection.isConnected) throw new TransportUnavailableError();
  }

  observe(listener: DeliveryListener): () => void {
    return this.observers.add(listener);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private consumerOf(context: string): Consumer {
    const consumer = this.consumers.get(context);
    if (!consumer) throw new Error(`${context} has no subscription in this process`);
    return consumer;
  }

  /** On every (re)connect: a fresh channel and topology; consuming starts unless the context is paused. */
  private async consume(connection: ChannelModel, consumer: Consumer): Promise<void> {
    const channel = await connection.createChannel();
    await this.declareConsumerTopology(channel, consumer.subscription);
    await channel.prefetch(this.options.prefetch);
    consumer.channel = channel;
    consumer.tag = undefined;
    if (!consumer.paused) await this.startConsuming(consumer);
  }

  private async startConsuming(consumer: Consumer): Promise<void> {
    const channel = consumer.channel!;
    const { consumerTag } = await channel.consume(this.names.consumerQueue(consumer.subscription.queue), (message) => {
      if (!message) return;
      const delivery = this.deliver(channel, consumer.subscription, message);
      consumer.inFlight.add(delivery);
      void delivery.finally(() => consumer.inFlight.delete(delivery));
    });
    consumer.tag = consumerTag;
  }

  private async declareConsumerTopology(channel: Channel, { queue: context, routingKeys }: Subscription): Promise<void> {
    const queue = this.names.consumerQueue(context);
    const deadLetters = this.names.deadLetterExchange(context);
    await channel.assertExchange(this.names.eventsExchange, 'topic', { durable: true });
    await channel.assertExchange(deadLetters, 'fanout', { durable: true });
    await channel.assertQueue(this.names.deadLetterQueue(context), { durable: true });
    await channel.bindQueue(this.names.deadLetterQueue(context), deadLetters, '');
    // Messages the broker itself rejects (nack without requeue) also end up dead-lettered.
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-dead-letter-exchange': deadLetters } });
    await channel.assertQueue(this.names.retryQueue(context), {
      durable: true,
      arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
    });
    for (const key of routingKeys) await channel.bindQueue(queue, this.names.eventsExchange, key);
  }

  private async deliver(channel: Channel, subscription: Subscription, message: ConsumeMessage): Promise<void> {
    const started = performance.now();
    const settle = (outcome: Delivery['outcome']) =>
      this.observers.notify({
        context: subscription.queue,
        messageId: String(message.properties.messageId),
        type: message.fields.routingKey,
        outcome,
        durationMs: performance.now() - started,
      });
    let failure: Error | undefined;
    try {
      const handled = await subscription.handle(fromAmqpMessage(message));
      safely(() => channel.ack(message));
      settle(handled);
    } catch (error) {
      failure = asError(error);
    }
    if (failure) settle(await this.retryOrDeadLetter(channel, subscription.queue, message, failure));
  }

  /** Re-publishes the failed delivery to wait (or to die) before acking it, so it is never lost. */
  private async retryOrDeadLetter(
    channel: Channel,
    context: string,
    message: ConsumeMessage,
    error: Error,
  ): Promise<'failed' | 'dead-lettered'> {
    // The attempt this delivery was; a retried copy carries the number of the next one (of the same one if the database was away).
    const attempts = Number(message.properties.headers?.[HEADERS.attempts] ?? 1);
    const unavailable = error instanceof HandlerUnavailableError;
    const next = unavailable ? attempts : attempts + 1;
    const delay = unavailable
      ? this.options.unavailableRetryDelayMs
      : error instanceof MalformedMessageError
        ? undefined
        : retryDelayMs(attempts, this.options.retryDelaysMs);
    const withHeaders = (attempt: number) => ({
      ...message.properties,
      persistent: true,
      headers: { ...message.properties.headers, [HEADERS.attempts]: attempt, [HEADERS.lastError]: error.message.slice(0, 1000) },
    });
    try {
      if (delay === undefined) {
        await this.connection.publish(this.names.deadLetterExchange(context), '', message.content, withHeaders(attempts));
        this.logger.error({ err: error, messageId: message.properties.messageId, attempts }, 'message dead-lettered');
      } else {
        await this.connection.publish('', this.names.retryQueue(context), message.content, {
          ...withHeaders(next),
          expiration: String(delay),
        });
        this.logger.warn(
          { err: error, messageId: message.properties.messageId, attempts, retryInMs: delay },
          unavailable
            ? "the handler's database is unreachable; will retry without counting the attempt"
            : 'message handling failed; will retry',
        );
      }
      channel.ack(message);
      return delay === undefined ? 'dead-lettered' : 'failed';
    } catch (republishError) {
      // Could not park it: leave it to the broker to redeliver (the inbox absorbs any repeat).
      this.logger.warn({ err: republishError }, 'could not schedule a retry; requeueing');
      safely(() => channel.nack(message, false, true));
      return 'failed';
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function safely(action: () => void): void {
  try {
    action();
  } catch {
    // the channel is gone; the broker redelivers unacked messages on its own
  }
}
