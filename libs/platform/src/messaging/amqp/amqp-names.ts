/**
 * Every RabbitMQ name the platform declares, from one namespace (AMQP_NAMESPACE, default `shop`):
 *
 *   <ns>.events                     topic exchange: every integration event, routing key `<type>.v<version>`
 *   <ns>.<context>                  durable queue of one consuming context (its instances share it)
 *   <ns>.<context>.retry            where a failed delivery waits (per-message TTL), then returns to <ns>.<context>
 *   <ns>.<context>.dlx / .dead      dead-letter exchange and queue: deliveries that failed every attempt
 *   <ns>.rpc.<service>              request queue of a request-reply responder (e.g. ordering)
 *   <ns>.rpc.replies.<instance>     reply queue of one requester instance (survives reconnects; expires when idle)
 */
export class AmqpNames {
  constructor(readonly namespace: string) {}

  get eventsExchange(): string {
    return `${this.namespace}.events`;
  }

  consumerQueue(context: string): string {
    return `${this.namespace}.${context}`;
  }

  retryQueue(context: string): string {
    return `${this.namespace}.${context}.retry`;
  }

  deadLetterExchange(context: string): string {
    return `${this.namespace}.${context}.dlx`;
  }

  deadLetterQueue(context: string): string {
    return `${this.namespace}.${context}.dead`;
  }

  requestQueue(service: string): string {
    return `${this.namespace}.rpc.${service}`;
  }

  replyQueue(instanceId: string): string {
    return `${this.namespace}.rpc.replies.${instanceId}`;
  }
}

/** Message headers beyond the AMQP properties (see envelope mapping in amqp-envelope.ts). */
export const HEADERS = {
  version: 'x-message-version',
  occurredAt: 'x-occurred-at',
  causationId: 'x-causation-id',
  attempts: 'x-delivery-attempts',
  lastError: 'x-last-error',
} as const;

/** W3C trace context, carried as message headers under its HTTP header names. */
export const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;
