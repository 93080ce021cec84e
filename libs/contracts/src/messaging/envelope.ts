/**
 * What travels with every integration message, in-process or over AMQP. Primitives only, so a
 * producer in any language can join: on AMQP it maps to message properties and headers
 * (message_id, type, timestamp, correlation_id, headers.x-causation-id, headers.x-message-version).
 */
export interface MessageEnvelope<Payload = unknown> {
  /** Unique per message; consumers deduplicate on it. */
  messageId: string;
  /** e.g. `catalog.ProductCreated` */
  type: string;
  version: number;
  /** ISO-8601 UTC */
  occurredAt: string;
  /** The request id of the HTTP request (or message) that started the chain. */
  correlationId: string;
  /** The message id that caused this one, if any. */
  causationId: string | null;
  payload: Payload;
  /** W3C trace context (`traceparent`, `tracestate`) of the work that published it, when traced. */
  traceContext?: Record<string, string>;
}

export const routingKeyOf = (envelope: Pick<MessageEnvelope, 'type' | 'version'>): string => `${envelope.type}.v${envelope.version}`;
