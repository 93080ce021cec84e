import type { MessageEnvelope } from '@shop/contracts';

/** A consumer's subscription: one queue per consuming context, bound to the routing keys it handles. */
export interface Subscription {
  /** The consuming context, e.g. `catalog`; instances of one context share its queue. */
  queue: string;
  routingKeys: string[];
  /** Resolves once the message is handled and committed; rejects to have it retried. */
  handle(envelope: MessageEnvelope): Promise<void>;
}

/**
 * Where integration events travel once the outbox relay hands them over. In-process without a
 * broker; RabbitMQ when AMQP_URL is set. Context code never sees which.
 */
export interface MessageTransport {
  /**
   * Delivers (or hands to the broker) each envelope in order; one entry per envelope, null when it
   * succeeded. TransportUnavailableError means "not now, through no fault of the message".
   */
  publish(envelopes: MessageEnvelope[]): Promise<Array<Error | null>>;
  subscribe(subscription: Subscription): Promise<void>;
  /** Resolves when the transport can carry messages; the readiness probe. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** The broker cannot take messages now (disconnected); retried without counting against the message. */
export class TransportUnavailableError extends Error {
  constructor(message = 'the message broker is not connected') {
    super(message);
    this.name = 'TransportUnavailableError';
  }
}

export const MESSAGE_TRANSPORT = Symbol('MESSAGE_TRANSPORT');
