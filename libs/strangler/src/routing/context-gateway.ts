import type { Command, CommandBus, Query, QueryBus } from '@nestjs/cqrs';
import { problemType, ProblemException, RequestContext } from '@shop/platform';
import { ServiceUnavailableError, type RemoteService } from '../remote/remote-service.js';
import type { ShadowComparer } from '../shadow/shadow-comparer.js';
import { inCanary } from './canary.js';
import type { RouteTable } from './route-table.js';
import type { RoutedMessage, StrangleableContext, StrangleableContexts } from './strangleable-context.js';

export const SERVED_BY_HEADER = 'X-Served-By';
export const MONOLITH = 'monolith';

type Kind = 'command' | 'query';

/**
 * The one door of a strangleable context's controllers: `command(...)` and `query(...)` go to the
 * monolith's own buses or to the extracted service, as the route table says for that context right
 * now. Controllers do not know which; the answer says it in `X-Served-By`.
 *
 * - monolith: served in-process.
 * - service: served by the service; if it is unavailable, reads fall back to the monolith and
 *   writes answer 503 with Retry-After (a write that may have reached the service is never replayed here).
 * - shadow: served in-process; reads are also sent to the service in the background and compared.
 * - canary: like service for `percent` of users (stable hash of the user id), like monolith for the rest.
 */
export class ContextGateway {
  constructor(
    private readonly descriptor: StrangleableContext,
    private readonly contexts: StrangleableContexts,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly routes: RouteTable,
    private readonly remote: RemoteService | undefined,
    private readonly shadow: ShadowComparer,
  ) {}

  command<R>(message: Command<R> & RoutedMessage): Promise<R> {
    return this.dispatch(message, 'command') as Promise<R>;
  }

  query<R>(message: Query<R> & RoutedMessage): Promise<R> {
    return this.dispatch(message, 'query') as Promise<R>;
  }

  private async dispatch(message: RoutedMessage, kind: Kind): Promise<unknown> {
    const side = this.sideFor(message);
    if (side === 'service' && this.remote) return this.viaService(this.remote, message, kind);
    const value = await this.inProcess(message, kind);
    if (side === 'shadow' && kind === 'query' && this.remote) this.mirror(this.remote, message, value);
    return value;
  }

  private sideFor(message: RoutedMessage): 'monolith' | 'service' | 'shadow' {
    const route = this.routes.get(this.descriptor.context);
    switch (route?.mode) {
      case 'service':
        return 'service';
      case 'shadow':
        return 'shadow';
      case 'canary':
        return inCanary(message.caller.id, route.percent) ? 'service' : 'monolith';
      default:
        return 'monolith';
    }
  }

  private inProcess(message: RoutedMessage, kind: Kind): Promise<unknown> {
    servedBy(MONOLITH);
    return kind === 'command' ? this.commands.execute(message) : this.queries.execute(message);
  }

  private async viaService(remote: RemoteService, message: RoutedMessage, kind: Kind): Promise<unknown> {
    let reply;
    try {
      reply = await remote.call(this.contexts.toRemote(message), forwardedHeaders());
    } catch (error) {
      if (!(error instanceof ServiceUnavailableError)) throw error;
      if (kind === 'query') return this.inProcess(message, kind);
      throw error.deadline === undefined ? writeNotSent(remote) : writeTimedOut(remote, error.deadline);
    }
    servedBy(remote.service);
    if (reply.ok) return reply.value;
    throw new ProblemException(reply.problem, reply.headers);
  }

  /** Sends the read to the service too, after the caller has its answer; never delays or fails the caller. */
  private mirror(remote: RemoteService, message: RoutedMessage, primary: unknown): void {
    const headers = forwardedHeaders();
    void this.shadow.compare({
      context: this.descriptor.context,
      route: this.contexts.nameOf(message),
      ignore: this.descriptor.shadowIgnores ?? [],
      primary,
      shadow: async () => {
        const reply = await remote.call(this.contexts.toRemote(message), headers);
        return reply.ok ? reply.value : { problem: reply.problem.status };
      },
      reread: () => this.queries.execute(message),
    });
  }
}

function servedBy(side: string): void {
  RequestContext.current()?.setResponseHeader?.(SERVED_BY_HEADER, side);
}

/** The caller's token and request id travel with the request; the service verifies the token again. */
function forwardedHeaders(): Record<string, string> {
  const context = RequestContext.current();
  return { 'x-request-id': context?.requestId ?? '', ...(context?.authorization ? { authorization: context.authorization } : {}) };
}

/** The write never reached the service (no broker, circuit open): it was not applied, and cannot be later. */
function writeNotSent(remote: RemoteService): ProblemException {
  const retryAfter = retryAfterOf(remote);
  return ProblemException.of(
    503,
    'service-unavailable',
    `${remote.service} is unavailable. The request was not applied; retry it after ${retryAfter} s.`,
    { type: problemType('service-unavailable') },
    { 'Retry-After': retryAfter },
  );
}

/**
 * The write reached the service, which did not answer in time. It applies a request only before the
 * deadline the request carried, so the outcome is settled: applied by then, or never. Only the
 * client's Idempotency-Key can tell which without applying it twice.
 */
function writeTimedOut(remote: RemoteService, deadline: number): ProblemException {
  const retryAfter = retryAfterOf(remote);
  return ProblemException.of(
    503,
    'service-timeout',
    `${remote.service} did not answer in time. It applies a request only before its deadline ` +
      `(${new Date(deadline).toISOString()}), so this one was either applied by then or never will be. ` +
      `Retry after ${retryAfter} s with the same Idempotency-Key to get its outcome without applying it twice; ` +
      'without an Idempotency-Key, it may have been applied.',
    { type: problemType('service-timeout') },
    { 'Retry-After': retryAfter },
  );
}

const retryAfterOf = (remote: RemoteService): string => String(Math.ceil(remote.cooldownMs / 1000));
