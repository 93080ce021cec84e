import { circuitBreaker, CircuitState, ConsecutiveBreaker, handleType, isBrokenCircuitError, type CircuitBreakerPolicy } from 'cockatiel';
import { type ProblemDetails, RpcUnavailableError, type RpcClient, type RpcHeaders } from '@shop/platform';
import type { RemoteMessage } from '../routing/strangleable-context.js';

/** What the service answers: the handler's value, or the problem it raised. */
export type RemoteReply = { ok: true; value: unknown } | { ok: false; problem: ProblemDetails; headers?: Record<string, string> };

export const PING_ROUTE = '__ping';
const PING_TIMEOUT_MS = 1000;
/** This many unavailable answers in a row open the circuit. */
export const FAILURES_TO_OPEN = 3;

/** The circuit to a service: `open` refuses calls until the cooldown lets one through (`half-open`). */
export type CircuitStatus = 'closed' | 'open' | 'half-open' | 'isolated';

const CIRCUIT_STATUS: Record<CircuitState, CircuitStatus> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * The service did not answer. `deadline` is set when the request was sent and timed out: the service
 * applies nothing after that moment, but may have applied it before. Otherwise the request never
 * left (broker away, circuit open) and certainly was not applied.
 */
export class ServiceUnavailableError extends Error {
  readonly deadline: number | undefined;

  constructor(
    readonly service: string,
    override readonly cause: unknown,
  ) {
    super(`${service} is unavailable: ${(cause as Error)?.message ?? cause}`);
    this.name = 'ServiceUnavailableError';
    this.deadline = cause instanceof RpcUnavailableError && cause.reason === 'timeout' ? cause.deadline : undefined;
  }
}

/**
 * An extracted service reached over request-reply, behind a circuit breaker (cockatiel). Every
 * call has an explicit timeout (STRANGLER_TIMEOUT_MS, at most 3 s); only unavailability (timeout,
 * disconnection) counts against the circuit: an answer, even a 4xx problem, is the service working.
 */
export class RemoteService {
  private readonly breaker: CircuitBreakerPolicy;

  constructor(
    readonly context: string,
    readonly service: string,
    private readonly rpc: RpcClient,
    private readonly timeoutMs: number,
    readonly cooldownMs: number,
  ) {
    this.breaker = circuitBreaker(handleType(RpcUnavailableError), {
      halfOpenAfter: cooldownMs,
      breaker: new ConsecutiveBreaker(FAILURES_TO_OPEN),
    });
  }

  async call(message: RemoteMessage, headers: RpcHeaders): Promise<RemoteReply> {
    try {
      return await this.breaker.execute(() => this.rpc.call<RemoteReply>(this.context, { ...message, headers }, this.timeoutMs));
    } catch (error) {
      if (error instanceof RpcUnavailableError || isBrokenCircuitError(error)) throw new ServiceUnavailableError(this.service, error);
      throw error;
    }
  }

  /** The circuit as this instance sees it (each monolith instance has its own). */
  get circuit(): CircuitStatus {
    return CIRCUIT_STATUS[this.breaker.state];
  }

  /** Whether a live instance answers now (outside the circuit, short timeout). */
  async isLive(): Promise<boolean> {
    try {
      const reply = await this.rpc.call<RemoteReply>(this.context, { route: PING_ROUTE, payload: {}, headers: {} }, PING_TIMEOUT_MS);
      return reply.ok;
    } catch {
      return false;
    }
  }
}
