import type { Type } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/token.service.js';

export const STRANGLER_MODES = ['monolith', 'service', 'shadow', 'canary'] as const;
export type StranglerMode = (typeof STRANGLER_MODES)[number];

/**
 * A command or query that can be served by the monolith or by the extracted service. It is plain
 * data (it crosses the broker as JSON) and names the caller, whom the service re-establishes from
 * the forwarded token rather than trusting the payload.
 */
export interface RoutedMessage {
  caller: AuthenticatedUser;
}

/** What a context declares to be strangleable: the messages its controllers dispatch, and how its errors read over HTTP. */
export interface StrangleableContext {
  /** The bounded context, e.g. `ordering`: the route's name and the request queue's. */
  context: string;
  /** The app that serves the context when extracted, e.g. `order-service`: the `X-Served-By` value. */
  service: string;
  /** Writes: never mirrored, never replayed in the monolith once they may have reached the service. */
  commands: Array<Type<RoutedMessage>>;
  /** Reads: mirrored in shadow mode, served by the monolith when the service is unavailable. */
  queries: Array<Type<RoutedMessage>>;
  /** Maps the context's business errors to ProblemException (anything else is rethrown as is). */
  toProblem: (error: unknown) => unknown;
  /** Answer fields that may legitimately differ between the two sides, ignored by shadow comparison. */
  shadowIgnores?: string[];
}

/** Every strangleable context of this process, registered by StranglerModule.forContext. */
export class StrangleableContexts {
  private readonly contexts = new Map<string, StrangleableContext>();

  register(context: StrangleableContext): void {
    this.contexts.set(context.context, context);
  }

  get(name: string): StrangleableContext | undefined {
    return this.contexts.get(name);
  }

  all(): StrangleableContext[] {
    return [...this.contexts.values()];
  }
}

/** The wire form of a routed message: its class name and its fields. */
export interface RemoteMessage {
  route: string;
  payload: Record<string, unknown>;
}

export const toRemoteMessage = (message: RoutedMessage): RemoteMessage => ({ route: message.constructor.name, payload: { ...message } });

/**
 * Rebuilds a message sent by the facade as an instance of its class (the CQRS buses find handlers by
 * class), without running its constructor: the fields are the message.
 */
export function fromRemoteMessage(context: StrangleableContext, remote: RemoteMessage): { message: RoutedMessage; kind: 'command' | 'query' } | undefined {
  const command = context.commands.find((type) => type.name === remote.route);
  const query = context.queries.find((type) => type.name === remote.route);
  const type = command ?? query;
  if (!type) return undefined;
  return { message: Object.assign(Object.create(type.prototype) as RoutedMessage, remote.payload), kind: command ? 'command' : 'query' };
}
