import { routingKeyOf, type MessageEnvelope } from '@shop/contracts';
import { isDatabaseTimeout } from '../database/context-pool.js';
import { RequestContext } from '../http/request-context.js';
import { handlerBindingsOf, type IntegrationEventHandler } from './on-integration-event.decorator.js';
import { HandlerUnavailableError, type Handled, type Subscription } from './message-transport.js';
import type { UnitOfWork } from './unit-of-work.js';

interface BoundHandler {
  /** Recorded in the inbox, so each handler of a message runs once. */
  name: string;
  run: IntegrationEventHandler<unknown>;
}

/** `<context>.<what-it-does>`, lower-case words joined by dashes. */
const HANDLER_NAME = /^[a-z][a-z0-9_-]*\.[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Handler names in use in this process: a name is a handler's identity in the inbox, so two handlers
 * sharing one would each skip the messages the other handled.
 */
export class HandlerNames {
  private readonly taken = new Map<string, string>();

  claim(context: string, name: string, owner: string): void {
    if (!HANDLER_NAME.test(name) || !name.startsWith(`${context}.`)) {
      throw new Error(`${owner}: the handler name "${name}" must read ${context}.<what-it-does> (lower-case words joined by dashes).`);
    }
    const other = this.taken.get(name);
    if (other) throw new Error(`The handler name "${name}" is used by both ${other} and ${owner}.`);
    this.taken.set(name, owner);
  }
}

/**
 * Builds a context's subscription from its consumer classes. Each handler runs in one transaction
 * with its inbox row: a message already recorded for that handler is acknowledged and skipped. A
 * failure while the context's database does not answer (or answers too late: a statement or a wait
 * for a connection timed out) is the database's, not the message's: it is reported as
 * HandlerUnavailableError, which the transport retries without counting.
 */
export function inboxSubscription(uow: UnitOfWork, consumers: object[], names = new HandlerNames()): Subscription {
  const handlers = new Map<string, BoundHandler[]>();
  for (const consumer of consumers) {
    for (const { type, method, handler } of handlerBindingsOf(consumer)) {
      names.claim(uow.schema, handler, `${consumer.constructor.name}.${method}`);
      const run = (consumer as Record<string, IntegrationEventHandler<unknown>>)[method]!.bind(consumer);
      handlers.set(type.key, [...(handlers.get(type.key) ?? []), { name: handler, run }]);
    }
  }

  return {
    queue: uow.schema,
    routingKeys: [...handlers.keys()],
    handle: (envelope: MessageEnvelope) =>
      RequestContext.run({ requestId: envelope.correlationId, messageId: envelope.messageId }, async (): Promise<Handled> => {
        let applied = false;
        try {
          for (const handler of handlers.get(routingKeyOf(envelope)) ?? []) {
            applied =
              (await uow.run(async (tx) => {
                if (!(await uow.recordInInbox(tx, envelope.messageId, handler.name))) return false; // delivered before: already applied
                await handler.run(envelope.payload, tx, envelope);
                return true;
              })) || applied;
          }
        } catch (error) {
          throw !isDatabaseTimeout(error) && (await uow.isReachable()) ? error : new HandlerUnavailableError(error);
        }
        return applied ? 'handled' : 'duplicate';
      }),
  };
}
