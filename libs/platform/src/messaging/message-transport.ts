import type { MessageEnvelope } from '@shop/contracts';

/** What handling one delivery came to: applied now, or recognised as applied before (the inbox had it). */
export type Handled = 'handled' | 'duplicate';

/** A consumer's subscription: one queue per consuming context, bound to the routing keys it handles. */
export interface Subscription {
  /** The consuming context, e.g. `catalog`; instances of one context share its queue. */
  queue: string;
  routingKeys: string[];
  /** Resolves once the message is handled and committed; rejects to have it retried. */
  handle(envelope: MessageEnvelope): Promise<Handled>;
}

/** How one delivery of a message to one consuming context ended. */
export interface Delivery {
  context: string;
  messageId: string;
  /** The routing key, `<type>.v<version>`. */
  type: string;
  /** `failed`: the handler threw and its transaction rolled back; the message is retried (or, after the last attempt, `dead-lettered`). */
  outcome: Handled | 'failed' | 'dead-lettered';
  durationMs: number;
}

export type DeliveryListener = (delivery: Delivery) => void;

/** Who wants to hear how deliveries end (metrics, and tests that wait for a delivery instead of sleeping). */
export class DeliveryObservers {
  private readonly listeners = new Set<DeliveryListener>();

  add(listener: DeliveryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(delivery: Delivery): void {
    for (const listener of this.listeners) listener(delivery);
  }
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
  /** Registers a consuming context; with `paused`, nothing is delivered to it until `resume`. */
  subscribe(subscription: Subscription, options?: { paused?: boolean }): Promise<void>;
  /** Resolves when the transport can carry messages; the readiness probe. */
  ready(): Promise<void>;
  /** Calls `listener` as each delivery to a subscribed context ends; returns the way to stop. */
  observe(listener: DeliveryListener): () => void;
  /**
   * Stops delivering messages to a subscribed context (they wait, durably over RabbitMQ) and resolves
   * once the deliveries under way have ended; `resume` delivers again.
   */
  pause(context: string): Promise<void>;
  resume(context: string): Promise<void>;
  close(): Promise<void>;
}

/** The broker cannot take messages now (disconnected); retried without counting against the message. */
export class TransportUnavailableError extends Error {
  constructor(message = 'the message broker is not connected') {
    super(message);
    this.name = 'TransportUnavailableError';
  }
}

/**
 * A handler could not run now through no fault of the message: what it needs (its database) is
 * unreachable. The delivery is retried later without counting as an attempt, so an outage longer
 * than the retry schedule dead-letters nothing.
 */
export class HandlerUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`the handler's database is unreachable: ${(cause as Error)?.message ?? cause}`);
    this.name = 'HandlerUnavailableError';
  }
}

export const MESSAGE_TRANSPORT = Symbol('MESSAGE_TRANSPORT');
