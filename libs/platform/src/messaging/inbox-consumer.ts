import { routingKeyOf, type MessageEnvelope } from '@shop/contracts';
import { RequestContext } from '../http/request-context.js';
import { handlerBindingsOf, type IntegrationEventHandler } from './on-integration-event.decorator.js';
import type { Subscription } from './message-transport.js';
import type { UnitOfWork } from './unit-of-work.js';

interface BoundHandler {
  /** Recorded in the inbox, so each handler of a message runs once. */
  name: string;
  run: IntegrationEventHandler<unknown>;
}

/**
 * Builds a context's subscription from its consumer classes. Each handler runs in one transaction
 * with its inbox row: a message already recorded for that handler is acknowledged and skipped.
 */
export function inboxSubscription(uow: UnitOfWork, consumers: object[]): Subscription {
  const handlers = new Map<string, BoundHandler[]>();
  for (const consumer of consumers) {
    for (const { type, method } of handlerBindingsOf(consumer)) {
      const handler = (consumer as Record<string, IntegrationEventHandler<unknown>>)[method]!.bind(consumer);
      const bound = { name: `${consumer.constructor.name}.${method}`, run: handler };
      handlers.set(type.key, [...(handlers.get(type.key) ?? []), bound]);
    }
  }

  return {
    queue: uow.schema,
    routingKeys: [...handlers.keys()],
    handle: (envelope: MessageEnvelope) =>
      RequestContext.run({ requestId: envelope.correlationId, messageId: envelope.messageId }, async () => {
        for (const handler of handlers.get(routingKeyOf(envelope)) ?? []) {
          await uow.run(async (tx) => {
            const recorded: unknown[] = await tx.manager.query(
              `INSERT INTO "${uow.schema}".inbox (message_id, handler) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING message_id`,
              [envelope.messageId, handler.name],
            );
            if (recorded.length === 0) return; // delivered before: already applied
            await handler.run(envelope.payload, tx, envelope);
          });
        }
      }),
  };
}
