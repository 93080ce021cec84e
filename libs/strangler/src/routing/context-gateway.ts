import type { Command, CommandBus, Query, QueryBus } from '@nestjs/cqrs';
import { ProblemException, RequestContext, type HostedContexts } from '@shop/platform';
import { ServiceUnavailableError, type RemoteService } from '../remote/remote-service.js';
import type { ShadowMirror } from '../shadow/shadow-mirror.js';
import { inCanary } from './canary.js';
import type { RouteTable } from './route-table.js';
import type { RoutedMessage, StrangleableContext, StrangleableContexts } from './strangleable-context.js';
import { readUnavailable, writeFrozen, writeNotSent, writeTimedOut } from './write-refusals.js';

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
 * - shadow: served in-process; reads (a sampled share) are also sent to the service in the background,
 *   behind a bounded queue, and compared.
 * - canary: like service for `percent` of users (stable hash of the user id), like monolith for the rest.
 * - retired: the data has been handed off to the service: served by it alone, with no fallback (the
 *   monolith's copy is stale, or the monolith was built without the context).
 * While a handoff freezes the context, writes are refused before they start (503, not applied).
 */
export class ContextGateway {
  constructor(
    private readonly descriptor: StrangleableContext,
    private readonly contexts: StrangleableContexts,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly routes: RouteTable,
    private readonly remote: RemoteService | undefined,
    private readonly shadow: ShadowMirror,
    private readonly hosted: HostedContexts,
  ) {}

  command<R>(message: Command<R> & RoutedMessage): Promise<R> {
    return this.dispatch(message, 'command') as Promise<R>;
  }

  query<R>(message: Query<R> & RoutedMessage): Promise<R> {
    return this.dispatch(message, 'query') as Promise<R>;
  }

  private async dispatch(message: RoutedMessage, kind: Kind): Promise<unknown> {
    const route = this.routes.get(this.descriptor.context);
    if (kind === 'command' && route?.frozenSince) throw writeFrozen(this.descriptor.context);
    // A monolith built without the context, or whose copy was handed off, can only pass requests on.
    const hereToo = route?.mode !== 'retired' && this.hosted.get(this.descriptor.context) !== undefined;
    const side = hereToo ? this.sideFor(message) : 'service';
    if (side === 'service') {
      if (this.remote) return this.viaService(this.remote, message, kind, hereToo);
      if (!hereToo) throw kind === 'command' ? writeNotSent(this.descriptor.service) : readUnavailable(this.descriptor.service);
    }
    const value = await this.inProcess(message, kind);
    if (side === 'shadow' && kind === 'query' && this.remote) this.mirror(this.remote, message, value);
    return value;
  }

  private sideFor(message: RoutedMessage): 'monolith' | 'service' | 'shadow' {
    const route = this.routes.get(this.descriptor.context);
    switch (route?.mode) {
      case 'service':
      case 'retired':
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

  private async viaService(remote: RemoteService, message: RoutedMessage, kind: Kind, fallback: boolean): Promise<unknown> {
    let reply;
    try {
      reply = await remote.call(this.contexts.toRemote(message), forwardedHeaders());
    } catch (error) {
      if (!(error instanceof ServiceUnavailableError)) throw error;
      if (kind === 'query') {
        if (fallback) return this.inProcess(message, kind);
        throw readUnavailable(remote.service, remote.cooldownMs);
      }
      throw error.deadline === undefined ? writeNotSent(remote.service, remote.cooldownMs) : writeTimedOut(remote, error.deadline);
    }
    servedBy(remote.service);
    if (reply.ok) return reply.value;
    throw new ProblemException(reply.problem, reply.headers);
  }

  /** Sends the read to the service too, after the caller has its answer; never delays or fails the caller. */
  private mirror(remote: RemoteService, message: RoutedMessage, primary: unknown): void {
    const headers = forwardedHeaders();
    void this.shadow.mirror({
      context: this.descriptor.context,
      route: this.contexts.nameOf(message),
      primary,
      shadow: async () => {
        const reply = await remote.call(this.contexts.toRemote(message), headers);
        return reply.ok ? reply.value : { problem: reply.problem.status };
      },
      reread: () => this.queries.execute(message),
      requestId: headers['x-request-id'] || undefined,
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
