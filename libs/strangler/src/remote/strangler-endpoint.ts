import { Logger } from '@nestjs/common';
import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  assertBeforeDeadline,
  DeadlineExceededError,
  RequestAlreadyAppliedError,
  InvalidTokenError,
  problem,
  problemType,
  ProblemException,
  RequestContext,
  resolveRequestId,
  type ProblemCatalog,
  type RpcRequest,
  type RpcServer,
  type TokenService,
} from '@shop/platform';
import type { ServedContexts } from '../control/strangler-agent.js';
import type { RouteTable } from '../routing/route-table.js';
import type { StrangleableContext, StrangleableContexts } from '../routing/strangleable-context.js';
import { writeFrozen } from '../routing/write-refusals.js';
import { PING_ROUTE, type RemoteReply } from './remote-service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The extracted service's side of the facade: answers each strangleable context's commands and
 * queries from its request queue. The caller's token is verified again here (the facade's word is
 * not taken for it) and replaces the caller named in the message; the request id is carried into
 * logs and into every event the handler publishes. A command applies a request once however often
 * the broker delivers it: the unit of work records the delivered request's id with its effects.
 */
export class StranglerEndpoint implements ServedContexts {
  private readonly logger = new Logger(StranglerEndpoint.name);
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly contexts: StrangleableContexts,
    private readonly rpc: RpcServer,
    private readonly tokens: TokenService,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly problems: ProblemCatalog,
    private readonly routes: RouteTable,
  ) {}

  serves(context: string): boolean {
    return this.contexts.get(context) !== undefined;
  }

  commandsInFlight(context: string): number {
    return this.inFlight.get(context) ?? 0;
  }

  async start(): Promise<void> {
    for (const context of this.contexts.all()) {
      await this.rpc.serve(context.context, (request) => this.answer(context, request));
      this.logger.log({ context: context.context }, 'serving strangled context over request-reply');
    }
  }

  private answer(context: StrangleableContext, request: RpcRequest): Promise<RemoteReply> {
    const requestId = resolveRequestId(request.headers['x-request-id']);
    const { deadline } = request;
    // Recorded by the unit of work in the context's inbox (a uuid column): our RpcClient's ids are uuids.
    const deliveredRequestId = request.id && UUID.test(request.id) ? request.id : undefined;
    const store = { requestId, authorization: request.headers.authorization, deadline, deliveredRequestId };
    return RequestContext.run(store, async (): Promise<RemoteReply> => {
      if (request.route === PING_ROUTE) return { ok: true, value: 'pong' };
      try {
        // Taken from the queue after the caller stopped waiting (this process was stalled, say): the
        // caller has been told it was not applied, so it never is. Units of work check again at commit.
        assertBeforeDeadline();
        // Who is asking is settled before anything else, so an unauthenticated caller learns nothing, not even which routes exist.
        const caller = this.verifiedCaller(request.headers.authorization);
        const decoded = this.contexts.fromRemote(context.context, {
          route: request.route,
          payload: request.payload as Record<string, unknown>,
        });
        if (!decoded) throw ProblemException.of(400, 'unknown-route', `${context.context} has no route ${request.route}.`);
        decoded.message.caller = caller;
        const value =
          decoded.kind === 'command' ? await this.execute(context.context, decoded.message) : await this.queries.execute(decoded.message);
        return { ok: true, value };
      } catch (error) {
        return this.toReply(error);
      }
    });
  }

  /**
   * A command runs unless a handoff froze the context. It is counted from before that check until it
   * ends, so a handoff waiting for "no command under way" never misses one that got past the check.
   */
  private async execute(context: string, command: object): Promise<unknown> {
    this.inFlight.set(context, this.commandsInFlight(context) + 1);
    try {
      if (this.routes.get(context)?.frozenSince) throw writeFrozen(context);
      return await this.commands.execute(command);
    } finally {
      this.inFlight.set(context, this.commandsInFlight(context) - 1);
    }
  }

  private verifiedCaller(authorization: string | undefined) {
    const token = authorization?.match(/^Bearer (.+)$/)?.[1];
    try {
      if (!token) throw new InvalidTokenError('no bearer token was forwarded');
      return this.tokens.verify(token);
    } catch (error) {
      throw ProblemException.of(
        401,
        'unauthorized',
        `The forwarded token was refused: ${(error as Error).message}.`,
        {},
        { 'WWW-Authenticate': 'Bearer' },
      );
    }
  }

  private toReply(error: unknown): RemoteReply {
    if (error instanceof DeadlineExceededError) {
      this.logger.warn(
        { deadline: new Date(error.deadline).toISOString(), lateMs: Date.now() - error.deadline },
        'request past its deadline was not applied',
      );
    }
    if (error instanceof RequestAlreadyAppliedError) {
      this.logger.warn({ deliveredRequestId: error.requestId }, 'request delivered again after it was applied; not applied twice');
    }
    const known = this.problems.toProblem(error);
    if (known) return { ok: false, problem: known.problem, headers: known.headers };
    this.logger.error({ err: error }, 'request failed in the service');
    return { ok: false, problem: problem(500, 'An unexpected error occurred.', { type: problemType('internal-error') }) };
  }
}
