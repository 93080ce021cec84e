import type { Type } from '@nestjs/common';
import type { AuthenticatedUser } from '@shop/platform';

/** The modes an operator sets (or a context boots in). */
export const SETTABLE_MODES = ['monolith', 'service', 'shadow', 'canary'] as const;
/** Every mode a route can be in: `retired` is reached only by a handoff of the context's data. */
export const STRANGLER_MODES = [...SETTABLE_MODES, 'retired'] as const;
export type StranglerMode = (typeof STRANGLER_MODES)[number];
export type SettableMode = (typeof SETTABLE_MODES)[number];

/**
 * A command or query that can be served by the monolith or by the extracted service. It is plain
 * data (it crosses the broker as JSON) and names the caller, whom the service re-establishes from
 * the forwarded token rather than trusting the payload.
 */
export interface RoutedMessage {
  caller: AuthenticatedUser;
}

/**
 * Routed messages by their name on the wire, e.g. `{ 'ordering.PlaceOrder.v1': PlaceOrder }`. The
 * name, not the class name, is what travels: renaming a class during a rolling deploy changes nothing
 * on the wire, and a new shape of a message is a new version beside the old one.
 */
export type RouteNames = Record<string, Type<RoutedMessage>>;

/** What a context declares to be strangleable: the messages its controllers dispatch. */
export interface StrangleableContext {
  /** The bounded context, e.g. `ordering`: the route's name and the request queue's. */
  context: string;
  /** The app that serves the context when extracted, e.g. `order-service`: the `X-Served-By` value. */
  service: string;
  /** Writes: never mirrored, never replayed in the monolith once they may have reached the service. */
  commands: RouteNames;
  /** Reads: mirrored in shadow mode, served by the monolith when the service is unavailable. */
  queries: RouteNames;
  /**
   * Answer fields that may legitimately differ between the two sides, ignored by shadow comparison:
   * bare names (at any depth) or JSON paths (`$.items[*].updatedAt`). The defaults of the context's
   * shadow settings, which an operator can change.
   */
  shadowIgnores?: string[];
  /** Answer arrays whose order may legitimately differ (JSON paths, e.g. `$.items`), compared as sets. */
  shadowUnordered?: string[];
}

/** `<context>.<Message>.v<version>` */
const WIRE_NAME = /^[a-z][a-z0-9-]*\.[A-Za-z][A-Za-z0-9-]*\.v[1-9][0-9]*$/;

/** The wire form of a routed message: its wire name and its fields. */
export interface RemoteMessage {
  route: string;
  payload: Record<string, unknown>;
}

type Kind = 'command' | 'query';

/**
 * Every strangleable context of this process, registered by StranglerModule.forContext or
 * StranglerModule.forService. Registration checks the wire names: well-formed, prefixed with the
 * context, and each name and each class used once across all contexts.
 */
export class StrangleableContexts {
  private readonly contexts = new Map<string, StrangleableContext>();
  private readonly byName = new Map<string, { type: Type<RoutedMessage>; kind: Kind; context: string }>();
  private readonly byType = new Map<Type<RoutedMessage>, string>();

  register(descriptor: StrangleableContext): void {
    const known = this.contexts.get(descriptor.context);
    if (known === descriptor) return;
    if (known) throw new Error(`The strangleable context ${descriptor.context} is declared twice.`);
    const routes = [
      ...Object.entries(descriptor.commands).map(([name, type]) => ({ name, type, kind: 'command' as const })),
      ...Object.entries(descriptor.queries).map(([name, type]) => ({ name, type, kind: 'query' as const })),
    ];
    const names = new Set(this.byName.keys());
    const types = new Map(this.byType);
    for (const { name, type } of routes) {
      if (!WIRE_NAME.test(name) || !name.startsWith(`${descriptor.context}.`)) {
        throw new Error(`The route name "${name}" must read ${descriptor.context}.<Message>.v<version>.`);
      }
      if (names.has(name)) throw new Error(`The route name "${name}" is used twice.`);
      if (types.has(type)) throw new Error(`${type.name} is routed under two names: ${types.get(type)} and ${name}.`);
      names.add(name);
      types.set(type, name);
    }
    for (const { name, type, kind } of routes) {
      this.byName.set(name, { type, kind, context: descriptor.context });
      this.byType.set(type, name);
    }
    this.contexts.set(descriptor.context, descriptor);
  }

  get(name: string): StrangleableContext | undefined {
    return this.contexts.get(name);
  }

  all(): StrangleableContext[] {
    return [...this.contexts.values()];
  }

  /** The wire form of a message: its registered name and its fields. */
  toRemote(message: RoutedMessage): RemoteMessage {
    const route = this.byType.get(message.constructor as Type<RoutedMessage>);
    if (!route) throw new Error(`${message.constructor.name} is not a routed message of any strangleable context.`);
    return { route, payload: { ...message } };
  }

  /**
   * Rebuilds a message sent by the facade as an instance of its class (the CQRS buses find handlers
   * by class), without running its constructor: the fields are the message.
   */
  fromRemote(context: string, remote: RemoteMessage): { message: RoutedMessage; kind: Kind } | undefined {
    const route = this.byName.get(remote.route);
    if (!route || route.context !== context) return undefined;
    return { message: Object.assign(Object.create(route.type.prototype) as RoutedMessage, remote.payload), kind: route.kind };
  }

  /** The wire name of a message class (for logs and shadow counts). */
  nameOf(message: RoutedMessage): string {
    return this.byType.get(message.constructor as Type<RoutedMessage>) ?? message.constructor.name;
  }
}
