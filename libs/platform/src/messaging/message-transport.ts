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
  /** Delivers (or hands to the broker) each envelope in order; one entry per envelope, null when it succeeded. */
  publish(envelopes: MessageEnvelope[]): Promise<Array<Error | null>>;
  subscribe(subscription: Subscription): Promise<void>;
  close(): Promise<void>;
}

export const MESSAGE_TRANSPORT = Symbol('MESSAGE_TRANSPORT');
