import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { AmqpConnection } from './amqp-connection.js';
import { DEADLINE_HEADER, parseDeadline } from '../../http/deadline.js';
import { timedOut } from '../../observability/timeouts.js';
import type { AmqpNames } from './amqp-names.js';

/** What a request carries besides its payload: the caller's token and the request id, for the responder to verify and log. */
export type RpcHeaders = Record<string, string>;

export interface RpcRequest<Payload = unknown> {
  /**
   * Set by the server: the id the request is delivered under, the same on a redelivery (the broker
   * hands a request to another instance when the one that took it lost its connection before
   * acknowledging it, even if it had done the work).
   */
  id?: string;
  route: string;
  payload: Payload;
  headers: RpcHeaders;
  /** Epoch ms by which the responder must have finished (committed) its work; set by the client, read by the server. */
  deadline?: number;
}

/**
 * Of the caller's timeout, the share kept for the reply to travel back: the responder's deadline is
 * this much earlier than the moment the caller gives up, so work committed just before the deadline
 * still reaches the caller.
 */
export const replyMarginMs = (timeoutMs: number): number => Math.min(250, Math.floor(timeoutMs / 5));

/**
 * No answer came. `disconnected`: the request was never sent (the broker is not connected).
 * `timeout`: it was sent and nobody answered in time; whether the responder acted on it is unknown,
 * but a responder honouring the deadline never commits after it.
 */
export class RpcUnavailableError extends Error {
  constructor(
    message: string,
    readonly reason: 'disconnected' | 'timeout',
    /** For a timeout: the deadline the request carried. */
    readonly deadline?: number,
  ) {
    super(message);
    this.name = 'RpcUnavailableError';
  }
}

/**
 * Where replies come back:
 * - `queue`: a reply queue of this instance (`<ns>.rpc.replies.<instance>`), not exclusive, expiring
 *   when idle; it outlives a reconnect, so a reply sent while the requester reconnects is kept.
 * - `direct`: RabbitMQ's direct reply-to (`amq.rabbitmq.reply-to`); no queue, but a reply addressed
 *   to a channel that closed in the meantime is dropped.
 */
export type ReplyMode = 'queue' | 'direct';

const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';
const REPLY_QUEUE_IDLE_EXPIRY_MS = 5 * 60_000;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Request-reply over RabbitMQ: every call has a timeout, replies are matched by correlation id, and
 * a call made while the broker is away fails at once with RpcUnavailableError instead of hanging.
 */
export class RpcClient {
  private readonly logger = new Logger('RpcClient');
  private readonly pending = new Map<string, Pending>();
  private channel: Channel | undefined;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly names: AmqpNames,
    private readonly instanceId: string,
    private readonly mode: ReplyMode = 'queue',
  ) {}

  async start(): Promise<void> {
    await this.connection.addSetup((connection) => this.openChannel(connection));
  }

  call<Reply>(service: string, request: RpcRequest, timeoutMs: number): Promise<Reply> {
    const channel = this.channel;
    if (!channel || !this.connection.isConnected) {
      return Promise.reject(new RpcUnavailableError('the message broker is not connected', 'disconnected'));
    }
    const correlationId = randomUUID();
    const deadline = Date.now() + timeoutMs - replyMarginMs(timeoutMs);
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        timedOut(this.logger, 'request-reply', service, timeoutMs, { route: request.route });
        reject(new RpcUnavailableError(`${service} did not answer ${request.route} within ${timeoutMs} ms`, 'timeout', deadline));
      }, timeoutMs);
      this.pending.set(correlationId, { resolve: resolve as (value: unknown) => void, reject, timer });
      try {
        channel.sendToQueue(
          this.names.requestQueue(service),
          Buffer.from(JSON.stringify({ route: request.route, payload: request.payload })),
          {
            correlationId,
            replyTo: this.replyTo,
            headers: { ...request.headers, [DEADLINE_HEADER]: String(deadline) },
            contentType: 'application/json',
            // A request nobody picked up before the caller gave up is worthless: let the broker drop it.
            expiration: String(timeoutMs),
          },
        );
      } catch (error) {
        clearTimeout(timer);
        this.pending.delete(correlationId);
        timedOut(this.logger, 'request-reply', service, timeoutMs, { route: request.route });
        reject(new RpcUnavailableError((error as Error).message, 'disconnected'));
      }
    });
  }

  async close(): Promise<void> {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new RpcUnavailableError('the client is closing', 'disconnected'));
      this.pending.delete(id);
    }
  }

  private get replyTo(): string {
    return this.mode === 'direct' ? DIRECT_REPLY_TO : this.names.replyQueue(this.instanceId);
  }

  private async openChannel(connection: ChannelModel): Promise<void> {
    const channel = await connection.createChannel();
    if (this.mode === 'queue') {
      await channel.assertQueue(this.replyTo, {
        durable: false,
        exclusive: false,
        autoDelete: false,
        arguments: { 'x-expires': REPLY_QUEUE_IDLE_EXPIRY_MS },
      });
      // Replies on a channel of their own: sharing the publishing channel halved throughput at 32 in flight.
      const replies = await connection.createChannel();
      await replies.consume(this.replyTo, (message) => message && this.settle(message), { noAck: true });
    } else {
      await channel.consume(this.replyTo, (message) => message && this.settle(message), { noAck: true });
    }
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
    });
    this.channel = channel;
  }

  private settle(message: ConsumeMessage): void {
    const pending = this.pending.get(message.properties.correlationId);
    if (!pending) return; // late reply to a call that already timed out
    this.pending.delete(message.properties.correlationId);
    clearTimeout(pending.timer);
    try {
      pending.resolve(JSON.parse(message.content.toString('utf8')));
    } catch (error) {
      pending.reject(error as Error);
    }
  }
}

export type RpcHandler = (request: RpcRequest) => Promise<unknown>;

/**
 * Answers requests from `<ns>.rpc.<service>`; instances of a service share the queue. A request is
 * acked once its reply is sent; a handler error must be turned into a reply value by the handler
 * (the transport carries answers, not exceptions).
 */
export class RpcServer {
  private readonly logger = new Logger('RpcServer');

  constructor(
    private readonly connection: AmqpConnection,
    private readonly names: AmqpNames,
    private readonly prefetch = 32,
  ) {}

  async serve(service: string, handler: RpcHandler): Promise<void> {
    await this.connection.addSetup(async (connection) => {
      const channel = await connection.createChannel();
      const queue = this.names.requestQueue(service);
      await channel.assertQueue(queue, { durable: true });
      await channel.prefetch(this.prefetch);
      await channel.consume(queue, (message) => message && void this.answer(channel, handler, message));
    });
  }

  private async answer(channel: Channel, handler: RpcHandler, message: ConsumeMessage): Promise<void> {
    const { correlationId, replyTo, headers } = message.properties;
    try {
      const { route, payload } = JSON.parse(message.content.toString('utf8')) as { route: string; payload: unknown };
      const requestHeaders = stringHeaders(headers);
      const deadline = parseDeadline(requestHeaders[DEADLINE_HEADER]);
      const reply = await handler({ id: correlationId as string | undefined, route, payload, headers: requestHeaders, deadline });
      channel.sendToQueue(replyTo, Buffer.from(JSON.stringify(reply ?? null)), { correlationId, contentType: 'application/json' });
      channel.ack(message);
    } catch (error) {
      this.logger.error({ err: error, correlationId }, 'request could not be answered');
      try {
        channel.nack(message, false, false);
      } catch {
        // channel gone: the broker redelivers or drops the expired request
      }
    }
  }
}

function stringHeaders(headers: Record<string, unknown> | undefined): RpcHeaders {
  return Object.fromEntries(Object.entries(headers ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
