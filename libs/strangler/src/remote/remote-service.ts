import { Logger } from '@nestjs/common';
import {
  bulkhead,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleType,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { processCounters, type ProblemDetails, RpcUnavailableError, type RpcClient, type RpcHeaders } from '@shop/platform';
import type { RemoteMessage } from '../routing/strangleable-context.js';

/** What the service answers: the handler's value, or the problem it raised. */
export type RemoteReply = { ok: true; value: unknown } | { ok: false; problem: ProblemDetails; headers?: Record<string, string> };

/**
 * How a call to an extracted service ended: answered (a value or a problem), or not (timeout,
 * disconnected, circuit open, or shed by a full bulkhead: never sent).
 */
export type RemoteOutcome = 'ok' | 'problem' | 'unavailable' | 'circuit-open' | 'shed';

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
/** A call that waited in the bulkhead's queue until less than this was left of its timeout is not sent at all. */
const LEAST_TIME_TO_SEND_MS = 50;
/** At most one "at capacity" line a second per service; the counter has every shed call. */
const SHED_LOG_INTERVAL_MS = 1000;

export const SHED_COUNTER = 'strangler_bulkhead_shed_total';
const shedCalls = processCounters.counter(
  SHED_COUNTER,
  'Calls to an extracted service refused at once, not sent, because its bulkhead was full (reads fall back, writes get 503).',
);

/** A service's bulkhead: calls in flight and waiting for a slot, and how many it ever had in flight at once. */
export interface BulkheadState {
  service: string;
  maxInFlight: number;
  maxQueued: number;
  inFlight: number;
  queued: number;
  peakInFlight: number;
  shed: number;
}

export interface RemoteServiceOptions {
  /** Every call gives up after this (the time it waited for a slot included). */
  timeoutMs: number;
  cooldownMs: number;
  /** Calls in flight at once (the bulkhead's slots). */
  maxInFlight: number;
  /** Calls waiting for a slot; any more are refused at once. */
  maxQueued: number;
  /** Hears how each call ended and how long it took (metrics). */
  observe?: (outcome: RemoteOutcome, seconds: number) => void;
}

/** The call was not sent: the service's bulkhead was full, or its turn came too late to be worth sending. */
export class BulkheadFullError extends Error {
  constructor(
    readonly service: string,
    readonly reason: 'full' | 'waited-too-long',
  ) {
    super(
      reason === 'full'
        ? `${service} has as many calls in flight and waiting as it may`
        : `the call waited for a slot to ${service} too long`,
    );
    this.name = 'BulkheadFullError';
  }
}

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
 * An extracted service reached over request-reply, behind a bulkhead and a circuit breaker
 * (cockatiel). The bulkhead bounds the calls in flight and waiting: a stalled service holds no
 * more than that many (memory, broker queue, the backlog it would find on resuming), and any call
 * beyond is refused at once (not sent). Every call has an explicit timeout (STRANGLER_TIMEOUT_MS,
 * at most 3 s), counted from its arrival, its wait for a slot included. Only unavailability
 * (timeout, disconnection) counts against the circuit: an answer, even a 4xx problem, is the
 * service working.
 */
export class RemoteService {
  readonly cooldownMs: number;
  private readonly logger: Logger;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly bulkhead: BulkheadPolicy;
  private peakInFlight = 0;
  private shed = 0;
  private shedSinceLog = 0;
  private lastShedLog = 0;

  constructor(
    readonly context: string,
    readonly service: string,
    private readonly rpc: RpcClient,
    private readonly options: RemoteServiceOptions,
  ) {
    this.cooldownMs = options.cooldownMs;
    this.logger = new Logger(`RemoteService:${service}`);
    this.breaker = circuitBreaker(handleType(RpcUnavailableError), {
      halfOpenAfter: options.cooldownMs,
      breaker: new ConsecutiveBreaker(FAILURES_TO_OPEN),
    });
    this.bulkhead = bulkhead(options.maxInFlight, options.maxQueued);
  }

  async call(message: RemoteMessage, headers: RpcHeaders): Promise<RemoteReply> {
    const arrived = Date.now();
    const took = () => (Date.now() - arrived) / 1000;
    try {
      const reply = await this.bulkhead.execute(() => {
        this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
        const left = this.options.timeoutMs - (Date.now() - arrived);
        if (left < LEAST_TIME_TO_SEND_MS) throw new BulkheadFullError(this.service, 'waited-too-long');
        return this.breaker.execute(() => this.rpc.call<RemoteReply>(this.context, { ...message, headers }, left));
      });
      this.options.observe?.(reply.ok ? 'ok' : 'problem', took());
      return reply;
    } catch (error) {
      const shed = isBulkheadRejectedError(error) ? new BulkheadFullError(this.service, 'full') : error;
      if (shed instanceof BulkheadFullError) {
        this.options.observe?.('shed', took());
        this.noteShed(shed.reason);
        throw new ServiceUnavailableError(this.service, shed);
      }
      if (error instanceof RpcUnavailableError || isBrokenCircuitError(error)) {
        this.options.observe?.(isBrokenCircuitError(error) ? 'circuit-open' : 'unavailable', took());
        throw new ServiceUnavailableError(this.service, error);
      }
      throw error;
    }
  }

  /** The circuit as this instance sees it (each monolith instance has its own). */
  get circuit(): CircuitStatus {
    return CIRCUIT_STATUS[this.breaker.state];
  }

  /** Calls executing now (sent, or about to be). */
  get inFlight(): number {
    return this.options.maxInFlight - this.bulkhead.executionSlots;
  }

  bulkheadState(): BulkheadState {
    return {
      service: this.service,
      maxInFlight: this.options.maxInFlight,
      maxQueued: this.options.maxQueued,
      inFlight: this.inFlight,
      queued: this.options.maxQueued - this.bulkhead.queueSlots,
      peakInFlight: this.peakInFlight,
      shed: this.shed,
    };
  }

  private noteShed(reason: BulkheadFullError['reason']): void {
    this.shed += 1;
    this.shedSinceLog += 1;
    shedCalls.inc({ service: this.service, reason });
    const now = Date.now();
    if (now - this.lastShedLog < SHED_LOG_INTERVAL_MS) return;
    const { inFlight, queued } = this.bulkheadState();
    this.logger.warn(
      { service: this.service, shed: this.shedSinceLog, inFlight, queued, reason },
      `${this.service} at capacity: calls refused without being sent`,
    );
    this.lastShedLog = now;
    this.shedSinceLog = 0;
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
