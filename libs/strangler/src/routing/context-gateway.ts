import type { Command, CommandBus, Query, QueryBus } from '@nestjs/cqrs';
import { HttpException } from '@nestjs/common';
import { inSpan, ProblemException, RequestContext, type HostedContexts } from '@shop/platform';
import type { OutcomeRecorder, Side } from '../evidence/outcomes.js';
import { ServiceUnavailableError, type RemoteService } from '../remote/remote-service.js';
import type { ShadowMirror } from '../shadow/shadow-mirror.js';
import type { StranglerMetrics } from '../strangler-metrics.js';
import { inCanary } from './canary.js';
import type { RouteTable } from './route-table.js';
import type { RoutedMessage, StrangleableContext, StrangleableContexts } from './strangleable-context.js';
import { overrideFor } from './tester-override.js';
import { readUnavailable, writeFrozen, writeNotSent, writeTimedOut } from './write-refusals.js';

export const SERVED_BY_HEADER = 'X-Served-By';
export const MONOLITH = 'monolith';

type Kind = 'command' | 'query';
/** Records, once, how the request ended on the side that answered it (the first call wins). */
type Outcome = (side: Side, error: boolean) => void;

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
 * An admin or tester may pick the side of one request (X-Strangler-Route, see tester-override.ts).
 * Every request's outcome on the side that answered it (5xx and unavailability are errors; a read
 * that fell back to the monolith is a service error) is the evidence the gates judge, tester
 * requests aside.
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
    private readonly metrics?: StranglerMetrics,
    private readonly outcomes?: OutcomeRecorder,
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
    const chosen = overrideFor(message.caller, this.descriptor.context);
    const side = chosen ?? (hereToo ? this.sideFor(message) : 'service');
    const outcome = chosen ? () => undefined : this.outcome();
    const served: Side = side === 'service' ? 'service' : 'monolith';
    try {
      const value = await this.serve(message, kind, side, { hereToo, fallback: hereToo && !chosen }, outcome);
      outcome(served, false);
      return value;
    } catch (error) {
      outcome(served, isError(error));
      throw error;
    }
  }

  private async serve(
    message: RoutedMessage,
    kind: Kind,
    side: string,
    { hereToo, fallback }: { hereToo: boolean; fallback: boolean },
    outcome: Outcome,
  ): Promise<unknown> {
    if (side === 'service' || !hereToo) {
      if (this.remote) return this.viaService(this.remote, message, kind, fallback, outcome);
      // No broker: the monolith answers only where it may stand in, not for a tester who asked for the service by name.
      if (!fallback) throw kind === 'command' ? writeNotSent(this.descriptor.service) : readUnavailable(this.descriptor.service);
    }
    const value = await this.inProcess(message, kind);
    if (side === 'shadow' && kind === 'query' && this.remote) this.mirror(this.remote, message, value);
    return value;
  }

  private outcome(): Outcome {
    const started = performance.now();
    let recorded = false;
    return (side, error) => {
      if (recorded) return;
      recorded = true;
      this.outcomes?.record(this.descriptor.context, side, performance.now() - started, error);
    };
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

  private async viaService(
    remote: RemoteService,
    message: RoutedMessage,
    kind: Kind,
    fallback: boolean,
    outcome: Outcome,
  ): Promise<unknown> {
    let reply;
    try {
      reply = await remote.call(this.contexts.toRemote(message), forwardedHeaders());
    } catch (error) {
      if (!(error instanceof ServiceUnavailableError)) throw error;
      if (kind === 'query') {
        outcome('service', true);
        if (fallback) {
          this.metrics?.fellBack(this.descriptor.context);
          return this.inProcess(message, kind);
        }
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
      // In the request's trace, as a span marked shadow (its request-reply span beneath it).
      shadow: () =>
        inSpan('shadow read', { attributes: { 'shop.strangler.shadow': true, 'shop.context': this.descriptor.context } }, async () => {
          const reply = await remote.call(this.contexts.toRemote(message), headers);
          return reply.ok ? reply.value : { problem: reply.problem.status };
        }),
      reread: () => this.queries.execute(message),
      requestId: headers['x-request-id'] || undefined,
    });
  }
}

/** 5xx and unavailability are errors; a 4xx is an answer. */
function isError(error: unknown): boolean {
  return !(error instanceof HttpException) || error.getStatus() >= 500;
}

function servedBy(side: string): void {
  RequestContext.current()?.setResponseHeader?.(SERVED_BY_HEADER, side);
}

/** The caller's token and request id travel with the request; the service verifies the token again. */
function forwardedHeaders(): Record<string, string> {
  const context = RequestContext.current();
  return { 'x-request-id': context?.requestId ?? '', ...(context?.authorization ? { authorization: context.authorization } : {}) };
}
