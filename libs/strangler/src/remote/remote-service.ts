import { CircuitState, circuitBreaker, ConsecutiveBreaker, handleType, isBrokenCircuitError, type CircuitBreakerPolicy } from 'cockatiel';
import { type ProblemDetails, RpcUnavailableError, type RpcClient, type RpcHeaders } from '@shop/platform';
import type { RemoteMessage } from '../routing/strangleable-context.js';

/** What the service answers: the handler's value, or the problem it raised. */
export type RemoteReply = { ok: true; value: unknown } | { ok: false; problem: ProblemDetails; headers?: Record<string, string> };

/** How a call to an extracted service ended: answered (a value or a problem), or not (timeout, disconnected, circuit open). */
export type RemoteOutcome = 'ok' | 'problem' | 'unavailable' | 'circuit-open';

export const PING_ROUTE = '__ping';
const PING_TIMEOUT_MS = 1000;
/** This many unavailable answers in a row open the circuit. */
const FAILURES_TO_OPEN = 3;

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
    /** Hears how each call ended and how long it took (metrics). */
    private readonly observe: (outcome: RemoteOutcome, seconds: number) => void = () => undefined,
  ) {
    this.breaker = circuitBreaker(handleType(RpcUnavailableError), {
      halfOpenAfter: cooldownMs,
      breaker: new ConsecutiveBreaker(FAILURES_TO_OPEN),
    });
  }

  async call(message: RemoteMessage, headers: RpcHeaders): Promise<RemoteReply> {
    const started = performance.now();
    const took = () => (performance.now() - started) / 1000;
    try {
      const reply = await this.breaker.execute(() => this.rpc.call<RemoteReply>(this.context, { ...message, headers }, this.timeoutMs));
      this.observe(reply.ok ? 'ok' : 'problem', took());
      return reply;
    } catch (error) {
      if (error instanceof RpcUnavailableError || isBrokenCircuitError(error)) {
        this.observe(isBrokenCircuitError(error) ? 'circuit-open' : 'unavailable', took());
        throw new ServiceUnavailableError(this.service, error);
      }
      throw error;
    }
  }

  get circuitState(): 'closed' | 'half-open' | 'open' {
    const { state } = this.breaker;
    return state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'half-open' : 'open';
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
