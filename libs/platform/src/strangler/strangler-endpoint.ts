import { Logger } from '@nestjs/common';
import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import { InvalidTokenError, type TokenService } from '../auth/token.service.js';
import { problem, problemType, ProblemException } from '../http/problem-details.js';
import { RequestContext, resolveRequestId } from '../http/request-context.js';
import type { RpcRequest, RpcServer } from '../messaging/amqp/rpc.js';
import { PING_ROUTE, type RemoteReply } from './remote-service.js';
import { fromRemoteMessage, type StrangleableContexts, type StrangleableContext } from './strangleable-context.js';

/**
 * The extracted service's side of the facade: answers each strangleable context's commands and
 * queries from its request queue. The caller's token is verified again here (the facade's word is
 * not taken for it) and replaces the caller named in the message; the request id is carried into
 * logs and into every event the handler publishes.
 */
export class StranglerEndpoint {
  private readonly logger = new Logger(StranglerEndpoint.name);

  constructor(
    private readonly contexts: StrangleableContexts,
    private readonly rpc: RpcServer,
    private readonly tokens: TokenService,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  async start(): Promise<void> {
    for (const context of this.contexts.all()) {
      await this.rpc.serve(context.context, (request) => this.answer(context, request));
      this.logger.log({ context: context.context }, 'serving strangled context over request-reply');
    }
  }

  private answer(context: StrangleableContext, request: RpcRequest): Promise<RemoteReply> {
    const requestId = resolveRequestId(request.headers['x-request-id']);
    return RequestContext.run({ requestId, authorization: request.headers.authorization }, async (): Promise<RemoteReply> => {
      if (request.route === PING_ROUTE) return { ok: true, value: 'pong' };
      try {
        const decoded = fromRemoteMessage(context, { route: request.route, payload: request.payload as Record<string, unknown> });
        if (!decoded) throw ProblemException.of(400, 'unknown-route', `${context.context} has no route ${request.route}.`);
        decoded.message.caller = this.verifiedCaller(request.headers.authorization);
        const value = decoded.kind === 'command' ? await this.commands.execute(decoded.message) : await this.queries.execute(decoded.message);
        return { ok: true, value };
      } catch (error) {
        return this.toReply(context.toProblem(error));
      }
    });
  }

  private verifiedCaller(authorization: string | undefined) {
    const token = authorization?.match(/^Bearer (.+)$/)?.[1];
    try {
      if (!token) throw new InvalidTokenError('no bearer token was forwarded');
      return this.tokens.verify(token);
    } catch (error) {
      throw ProblemException.of(401, 'unauthorized', `The forwarded token was refused: ${(error as Error).message}.`, {}, { 'WWW-Authenticate': 'Bearer' });
    }
  }

  private toReply(error: unknown): RemoteReply {
    if (error instanceof ProblemException) return { ok: false, problem: error.problem, headers: error.headers };
    this.logger.error({ err: error }, 'request failed in the service');
    return { ok: false, problem: problem(500, 'An unexpected error occurred.', { type: problemType('internal-error') }) };
  }
}
