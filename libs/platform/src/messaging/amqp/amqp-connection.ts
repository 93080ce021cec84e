import { Logger } from '@nestjs/common';
import { TransportUnavailableError } from '../message-transport.js';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type Options, type RecoveringChannelModel } from 'amqplib';

/** Runs on every (re)connection with the fresh connection: declare topology, open channels, consume. */
export type ConnectionSetup = (connection: ChannelModel) => Promise<void>;

/**
 * One connection per process, kept alive by amqplib's own recovery (exponential back-off, no limit).
 * Everything that lives on a channel is (re)built by the registered setups after each connect, so
 * consumers and reply queues come back by themselves after a broker restart. Sockets use
 * TCP_NODELAY: without it a request-reply round trip stalls ~40 ms on Nagle's algorithm.
 */
export class AmqpConnection {
  private readonly logger = new Logger('Amqp');
  private readonly setups: ConnectionSetup[] = [];
  private recovering: RecoveringChannelModel | undefined;
  private current: ChannelModel | undefined;
  private publisher: Promise<ConfirmChannel> | undefined;
  private readonly connectedWaiters = new Set<() => void>();

  constructor(private readonly url: string) {}

  get isConnected(): boolean {
    return this.current !== undefined;
  }

  async start(): Promise<void> {
    this.recovering = await amqp.connect(this.url, {
      noDelay: true,
      recovery: {
        waitForConnect: false,
        initialDelay: 100,
        maxDelay: 5000,
        setup: (connection: ChannelModel) => this.onConnected(connection),
      },
    });
    this.recovering.on('disconnect', (error: Error) => {
      this.current = undefined;
      this.publisher = undefined;
      this.logger.warn({ err: error }, 'broker connection lost; reconnecting');
    });
    this.recovering.on('reconnect-scheduled', ({ attempt, delay }: { attempt: number; delay: number }) =>
      this.logger.debug({ attempt, delay }, 'broker reconnect scheduled'),
    );
    this.recovering.on('error', (error: Error) => this.logger.warn({ err: error }, 'broker connection error'));
  }

  /** Registers a setup; it also runs at once when already connected. */
  async addSetup(setup: ConnectionSetup): Promise<void> {
    this.setups.push(setup);
    if (this.current) await setup(this.current);
  }

  /** Resolves once connected, or rejects after `timeoutMs`. */
  waitUntilConnected(timeoutMs: number): Promise<void> {
    if (this.current) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.connectedWaiters.delete(done);
        reject(new TransportUnavailableError(`no broker connection within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.connectedWaiters.add(done);
    });
  }

  /** Publishes and resolves when the broker confirmed (persisted, for persistent messages). */
  async publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    const channel = await this.publishingChannel();
    await new Promise<void>((resolve, reject) => {
      channel.publish(exchange, routingKey, content, options, (error: unknown) => (error ? reject(asError(error)) : resolve()));
    });
  }

  /** A plain channel on the current connection (for callers that manage their own channel). */
  async channel(): Promise<Channel> {
    if (!this.current) throw new TransportUnavailableError();
    return this.current.createChannel();
  }

  async close(): Promise<void> {
    const recovering = this.recovering;
    this.recovering = undefined;
    this.current = undefined;
    this.publisher = undefined;
    await recovering?.close().catch(() => undefined);
  }

  private async onConnected(connection: ChannelModel): Promise<void> {
    for (const setup of this.setups) await setup(connection);
    this.current = connection;
    this.logger.log('broker connected');
    for (const waiter of this.connectedWaiters) waiter();
    this.connectedWaiters.clear();
  }

  /** One confirm channel for all publishing, recreated if the broker closes it. */
  private publishingChannel(): Promise<ConfirmChannel> {
    const connection = this.current;
    if (!connection) return Promise.reject(new TransportUnavailableError());
    this.publisher ??= connection.createConfirmChannel().then((channel) => {
      channel.on('close', () => {
        if (this.current === connection) this.publisher = undefined;
      });
      channel.on('error', (error: Error) => this.logger.warn({ err: error }, 'publishing channel error'));
      return channel;
    });
    this.publisher.catch(() => (this.publisher = undefined));
    return this.publisher;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
