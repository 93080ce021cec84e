import { Logger } from '@nestjs/common';
import { timedOut } from '../../observability/timeouts.js';
import { TransportUnavailableError } from '../message-transport.js';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type Options, type RecoveringChannelModel } from 'amqplib';

/** Runs on every (re)connection with the fresh connection: declare topology, open channels, consume. */
export type ConnectionSetup = (connection: ChannelModel) => Promise<void>;

export interface AmqpTimeouts {
  /** Opening a connection (TCP and handshake) is given up after this long, and tried again. */
  connectMs: number;
  /** A publish the broker has not confirmed after this long fails (the outbox sends it again later). */
  confirmMs: number;
}

export const DEFAULT_AMQP_TIMEOUTS: AmqpTimeouts = { connectMs: 5000, confirmMs: 5000 };

/** What amqplib says when a connection attempt ran past its socket timeout. */
const CONNECT_TIMED_OUT = 'connect ETIMEDOUT';

/** The broker did not confirm a publish in time: it may still route it, so the outbox sends it again (inboxes absorb a repeat). */
export class PublishConfirmTimeoutError extends Error {
  constructor(
    readonly exchange: string,
    readonly afterMs: number,
  ) {
    super(`the broker did not confirm a message published to ${exchange || '(default exchange)'} within ${afterMs} ms`);
    this.name = 'PublishConfirmTimeoutError';
  }
}

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

  constructor(
    private readonly url: string,
    private readonly timeouts: AmqpTimeouts = DEFAULT_AMQP_TIMEOUTS,
  ) {}

  get isConnected(): boolean {
    return this.current !== undefined;
  }

  async start(): Promise<void> {
    this.recovering = await amqp.connect(this.url, {
      noDelay: true,
      timeout: this.timeouts.connectMs,
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
    this.recovering.on('connect-failed', (error: Error) => {
      if (error.message === CONNECT_TIMED_OUT) timedOut(this.logger, 'broker-connect', 'broker', this.timeouts.connectMs);
    });
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

  /** Publishes and resolves when the broker confirmed (persisted, for persistent messages), or rejects after the confirm timeout. */
  async publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    const channel = await this.publishingChannel();
    const afterMs = this.timeouts.confirmMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => {
          timedOut(this.logger, 'publish-confirm', exchange || 'default exchange', afterMs, { routingKey });
          reject(new PublishConfirmTimeoutError(exchange, afterMs));
        }, afterMs);
        channel.publish(exchange, routingKey, content, options, (error: unknown) => (error ? reject(asError(error)) : resolve()));
      });
    } finally {
      clearTimeout(timer);
    }
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
