// The steady load of the fault matrix: customers placing and cancelling orders as a careful client
// would (an Idempotency-Key per order, retried with the same key until answered), plus a few
// placements without a key that are never retried. Every HTTP attempt is recorded.
import { randomUUID } from 'node:crypto';
import { sleep } from '../eventually.js';

/** How one HTTP attempt ended: its status, or that no answer came. */
export type Outcome = number | 'network-error' | 'timeout';

export interface Attempt {
  op: 'place' | 'cancel';
  /** The phase (fault) during whose load it was sent. */
  phase: string;
  /** Sent by the client as X-Request-Id; the outbox row of what it applied carries it as correlation id. */
  requestId: string;
  /** Placements only: with an Idempotency-Key (retried) or without (sent once). */
  keyed: boolean;
  outcome: Outcome;
  problemType?: string;
  detail?: string;
  servedBy?: string;
  orderId?: string;
  sentAt: number;
  answeredAt: number;
}

/**
 * One order a customer set out to place. Keyed: retried with the same key until answered 201/200
 * (`placed`), or `unanswered` if the load had to stop first. Keyless: sent once; `placed` on 201,
 * `not-applied` or `applied` on a 503 that says so, otherwise `unknown`.
 */
export interface Placement {
  phase: string;
  customerId: string;
  key?: string;
  items: Array<{ productId: string; quantity: number }>;
  attempts: Attempt[];
  result: 'placed' | 'unanswered' | 'not-applied' | 'applied' | 'unknown' | 'refused';
  /** Every order id an answer named (more than one would be a duplicate seen by the client). */
  orderIds: Set<string>;
  /** A cancellation answered 200 (`cancelled`) or 409 (`closed`), or never answered (`unanswered`). */
  cancel?: 'cancelled' | 'closed' | 'unanswered';
}

export interface LoadOptions {
  baseUrl: string;
  customers: Array<{ id: string; bearer: string }>;
  products: string[];
  /** Placements without an Idempotency-Key are sent one at a time, this long apart. */
  keylessIntervalMs: number;
  /** Every n-th placed order of a customer is cancelled. */
  cancelEvery: number;
  /** Pause between two operations of a customer. */
  thinkMs: number;
  /** A client never waits longer than this between retries, whatever Retry-After says. */
  maxRetryWaitMs: number;
  /** Once the load is asked to stop, how long an unanswered keyed placement or cancel keeps being retried. */
  finishWithinMs: number;
  requestTimeoutMs: number;
}

const RETRY_FALLBACK_MS = 200;

/**
 * The 503s that say the request was not applied, by problem type, with the words that say it: it never
 * reached the service, its context's writes were frozen for a handoff, or the service refused it at its
 * deadline.
 */
export const NOT_APPLIED_WORDING: Record<string, string> = {
  'service-unavailable': 'The request was not applied',
  'context-frozen': 'The request was not applied',
  'deadline-exceeded': 'nothing was applied',
  'database-timeout': 'nothing was applied',
};

export const problemSlug = (attempt: Attempt): string => attempt.problemType?.split('/').pop() ?? 'none';

/** A 503 that says the request was applied already (by an instance that could not answer), so not again. */
export const saysApplied = (attempt: Attempt): boolean => attempt.outcome === 503 && problemSlug(attempt) === 'already-applied';

/** A 503 whose problem type says the request was not applied. */
export const saysNotApplied = (attempt: Attempt): boolean => attempt.outcome === 503 && problemSlug(attempt) in NOT_APPLIED_WORDING;

/** Everything the clients did, across every phase. */
export class Ledger {
  readonly attempts: Attempt[] = [];
  readonly placements: Placement[] = [];

  of(phase: string): { attempts: Attempt[]; placements: Placement[] } {
    return { attempts: this.attempts.filter((a) => a.phase === phase), placements: this.placements.filter((p) => p.phase === phase) };
  }
}

/** Customers in closed loops; `phase` labels what they send from now on; `stop()` lets each finish what it started. */
export class SteadyLoad {
  phase = 'warm-up';
  private stopping = false;
  private stopDeadline = Infinity;
  private running: Promise<void> | undefined;

  constructor(
    private readonly options: LoadOptions,
    readonly ledger: Ledger,
    private readonly signal?: AbortSignal,
  ) {}

  start(): void {
    this.stopping = false;
    this.stopDeadline = Infinity;
    const { customers } = this.options;
    this.running = Promise.all([...customers.map((customer, i) => this.customerLoop(customer, i)), this.keylessLoop()]).then(
      () => undefined,
    );
    this.running.catch(() => undefined); // a failing client surfaces in stop(); until then it must not end the process
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopDeadline = Date.now() + this.options.finishWithinMs;
    await this.running;
    this.running = undefined;
  }

  private get aborted(): boolean {
    return this.signal?.aborted ?? false;
  }

  private async customerLoop(customer: { id: string; bearer: string }, index: number): Promise<void> {
    // Customers start out of step, so their cancels do not all fall on the same moment.
    let placed = index;
    while (!this.stopping && !this.aborted) {
      const placement = await this.place(customer, true);
      if (placement.result === 'placed' && (placed += 1) % this.options.cancelEvery === 0) await this.cancel(customer, placement);
      await sleep(this.options.thinkMs);
    }
  }

  /**
   * Placements without an Idempotency-Key, at their own pace: a customer retrying a keyed placement
   * through an outage would otherwise never send one during it, when they matter most.
   */
  private async keylessLoop(): Promise<void> {
    const { customers, keylessIntervalMs } = this.options;
    for (let i = 0; !this.stopping && !this.aborted; i += 1) {
      await this.place(customers[i % customers.length]!, false);
      await sleep(keylessIntervalMs);
    }
  }

  private async place(customer: { id: string; bearer: string }, keyed: boolean): Promise<Placement> {
    const placement: Placement = {
      phase: this.phase,
      customerId: customer.id,
      key: keyed ? `fm-${randomUUID()}` : undefined,
      items: this.pickItems(),
      attempts: [],
      result: 'unanswered',
      orderIds: new Set(),
    };
    this.ledger.placements.push(placement);
    for (;;) {
      const { attempt, retryAfterMs } = await this.send(
        'place',
        keyed,
        customer.bearer,
        '/api/v1/orders',
        { items: placement.items },
        placement.key,
      );
      placement.attempts.push(attempt);
      if (attempt.orderId) placement.orderIds.add(attempt.orderId);
      const { outcome } = attempt;
      if (outcome === 201 || outcome === 200) {
        placement.result = 'placed';
        return placement;
      }
      if (!keyed) {
        placement.result = saysNotApplied(attempt) ? 'not-applied' : saysApplied(attempt) ? 'applied' : 'unknown';
        return placement;
      }
      if (typeof outcome === 'number' && outcome < 500) {
        placement.result = 'refused'; // a 4xx for a valid order: nothing to retry, and a finding for the checks
        return placement;
      }
      if (this.aborted || Date.now() > this.stopDeadline) return placement;
      await sleep(retryAfterMs);
    }
  }

  private async cancel(customer: { id: string; bearer: string }, placement: Placement): Promise<void> {
    const [orderId] = placement.orderIds;
    placement.cancel = 'unanswered';
    for (;;) {
      const { attempt, retryAfterMs } = await this.send('cancel', true, customer.bearer, `/api/v1/orders/${orderId}/cancel`, undefined);
      placement.attempts.push(attempt);
      if (attempt.outcome === 200) placement.cancel = 'cancelled';
      else if (attempt.outcome === 409) placement.cancel = 'closed';
      if (placement.cancel !== 'unanswered') return;
      if (typeof attempt.outcome === 'number' && attempt.outcome < 500) return; // a finding: left 'unanswered'
      if (this.aborted || Date.now() > this.stopDeadline) return;
      await sleep(retryAfterMs);
    }
  }

  private async send(
    op: Attempt['op'],
    keyed: boolean,
    bearer: string,
    path: string,
    body: unknown,
    key?: string,
  ): Promise<{ attempt: Attempt; retryAfterMs: number }> {
    const requestId = `fm-${randomUUID()}`;
    const sentAt = Date.now();
    const attempt: Attempt = { op, phase: this.phase, requestId, keyed, outcome: 'network-error', sentAt, answeredAt: sentAt };
    this.ledger.attempts.push(attempt);
    let retryAfterMs = RETRY_FALLBACK_MS;
    try {
      const response = await fetch(`${this.options.baseUrl}${path}`, {
        method: 'POST',
        headers: {
          authorization: bearer,
          'content-type': 'application/json',
          'x-request-id': requestId,
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      attempt.outcome = response.status;
      attempt.servedBy = response.headers.get('x-served-by') ?? undefined;
      const retryAfter = Number(response.headers.get('retry-after'));
      if (retryAfter > 0) retryAfterMs = Math.min(retryAfter * 1000, this.options.maxRetryWaitMs);
      const answer = (await response.json().catch(() => ({}))) as { id?: string; type?: string; detail?: string };
      if (response.status >= 400) {
        attempt.problemType = answer.type;
        attempt.detail = answer.detail;
      } else if (op === 'place') {
        attempt.orderId = answer.id;
      }
    } catch (error) {
      attempt.outcome = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network-error';
    }
    attempt.answeredAt = Date.now();
    return { attempt, retryAfterMs };
  }

  /** One or two distinct products, one or two of each. */
  private pickItems(): Array<{ productId: string; quantity: number }> {
    const products = [...this.options.products].sort(() => Math.random() - 0.5).slice(0, 1 + Math.floor(Math.random() * 2));
    return products.map((productId) => ({ productId, quantity: 1 + Math.floor(Math.random() * 2) }));
  }
}
