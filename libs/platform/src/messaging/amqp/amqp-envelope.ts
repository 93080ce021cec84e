import type { ConsumeMessage, Options } from 'amqplib';
import type { MessageEnvelope } from '@shop/contracts';
import { HEADERS, TRACE_HEADERS } from './amqp-names.js';

/**
 * The envelope on the wire: the payload is the JSON body; identity and tracing ride in standard
 * AMQP properties (message_id, type, timestamp, correlation_id, content_type) plus a few headers,
 * so a producer in any language can publish an event the shop understands.
 */
export function toAmqpMessage(envelope: MessageEnvelope): { content: Buffer; options: Options.Publish } {
  return {
    content: Buffer.from(JSON.stringify(envelope.payload)),
    options: {
      messageId: envelope.messageId,
      type: envelope.type,
      correlationId: envelope.correlationId,
      timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
      contentType: 'application/json',
      persistent: true,
      headers: {
        [HEADERS.version]: envelope.version,
        [HEADERS.occurredAt]: envelope.occurredAt,
        ...(envelope.causationId ? { [HEADERS.causationId]: envelope.causationId } : {}),
        ...envelope.traceContext,
      },
    },
  };
}

export class MalformedMessageError extends Error {}

export function fromAmqpMessage(message: ConsumeMessage): MessageEnvelope {
  const { properties } = message;
  const headers = properties.headers ?? {};
  const version = Number(headers[HEADERS.version]);
  if (typeof properties.messageId !== 'string' || typeof properties.type !== 'string' || !Number.isInteger(version)) {
    throw new MalformedMessageError('message_id, type and x-message-version are required');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(message.content.toString('utf8'));
  } catch {
    throw new MalformedMessageError('the body is not JSON');
  }
  const occurredAt =
    typeof headers[HEADERS.occurredAt] === 'string'
      ? headers[HEADERS.occurredAt]
      : new Date((properties.timestamp ?? 0) * 1000).toISOString();
  return {
    messageId: properties.messageId,
    type: properties.type,
    version,
    occurredAt,
    correlationId: typeof properties.correlationId === 'string' ? properties.correlationId : properties.messageId,
    causationId: typeof headers[HEADERS.causationId] === 'string' ? headers[HEADERS.causationId] : null,
    payload,
    ...traceContextOf(headers),
  };
}

/** The W3C trace context headers a message carries, if any. */
function traceContextOf(headers: Record<string, unknown>): { traceContext?: Record<string, string> } {
  const traceContext = Object.fromEntries(
    TRACE_HEADERS.flatMap((name) => (typeof headers[name] === 'string' ? [[name, headers[name]] as const] : [])),
  );
  return traceContext.traceparent ? { traceContext } : {};
}
