import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { MessageEnvelope, MessageType } from '@shop/contracts';
import type { DataSourceRef } from '../database/context-database.js';
import { assertBeforeDeadline } from '../http/deadline.js';
import { RequestContext } from '../http/request-context.js';
import { traceCarrier, type TraceCarrier } from '../observability/tracing.js';

const REACHABLE_TIMEOUT_MS = 2000;

/** The inbox "handler" under which requests delivered by the broker are recorded once applied. */
export const DELIVERED_REQUEST_HANDLER = 'request-reply';

/**
 * A request delivered by the broker again had been applied already, by an instance that lost the
 * broker before it could answer: nothing was applied this time (the transaction was rolled back).
 */
export class RequestAlreadyAppliedError extends Error {
  constructor(readonly requestId: string) {
    super(
      'This request was applied once already, by an instance that stopped before it could answer; it was not applied again. ' +
        'Retry with the same Idempotency-Key to get its outcome; without one, do not retry: it was applied.',
    );
    this.name = 'RequestAlreadyAppliedError';
  }
}

/**
 * One local transaction of a context, as application code sees it: opaque. Events go out through
 * `publish` (to the context's outbox, in this transaction); state changes go through the context's
 * repositories, which alone reach the database, with `entityManagerOf(tx)`.
 */
export interface Transaction {
  /** Written to the context's outbox in this transaction; dispatched only after it commits. */
  publish<Payload>(type: MessageType<Payload>, payload: Payload): Promise<void>;
}

/**
 * A use case that runs inside a transaction it is given rather than one of its own: a consumer's,
 * so that its effects commit with the inbox row of the message that caused them. Called directly
 * by the consumer (the CommandBus is for use cases that own their transaction).
 */
export interface TransactionalHandler<Command> {
  execute(tx: Transaction, command: Command): Promise<void>;
}

const managers = new WeakMap<Transaction, EntityManager>();

/** The database session of a transaction, for repositories (infrastructure) only. */
export function entityManagerOf(tx: Transaction): EntityManager {
  const manager = managers.get(tx);
  if (!manager) throw new Error('Not a transaction opened by a UnitOfWork (or it has ended).');
  return manager;
}

/**
 * A context's gateway to its own database: `run` opens a transaction whose outbox writes commit
 * with the state change (or not at all), then wakes the relay.
 */
export class UnitOfWork {
  constructor(
    readonly schema: string,
    private readonly database: DataSourceRef,
    private readonly afterCommit: () => void,
  ) {}

  /** For repositories' reads outside a transaction. */
  get manager(): EntityManager {
    return this.database.dataSource.manager;
  }

  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    let published = 0;
    const delivered = RequestContext.deliveredRequestId();
    const result = await this.database.dataSource.transaction(async (manager) => {
      // First, so that a concurrent second delivery waits on this row and then sees it applied.
      if (delivered !== undefined) await this.recordDeliveredRequest(manager, delivered);
      const tx: Transaction = {
        publish: async (type, payload) => {
          await this.writeOutbox(manager, envelopeFor(type, payload));
          published += 1;
        },
      };
      managers.set(tx, manager);
      try {
        const result = await work(tx);
        // The last moment to refuse: a caller that has stopped waiting was told nothing was applied.
        assertBeforeDeadline();
        return result;
      } finally {
        managers.delete(tx);
      }
    });
    const context = RequestContext.current();
    // Recorded: any later unit of work of the same request is not a redelivery.
    if (delivered !== undefined && context) context.deliveredRequestId = undefined;
    if (published > 0) this.afterCommit();
    return result;
  }

  private async recordDeliveredRequest(manager: EntityManager, requestId: string): Promise<void> {
    const recorded: unknown[] = await manager.query(
      `INSERT INTO "${this.schema}".inbox (message_id, handler) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING message_id`,
      [requestId, DELIVERED_REQUEST_HANDLER],
    );
    if (recorded.length === 0) throw new RequestAlreadyAppliedError(requestId);
  }

  /** Whether the context's database answers now (a trivial round trip, given up after `timeoutMs`). */
  async isReachable(timeoutMs = REACHABLE_TIMEOUT_MS): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const answered = this.database.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    return Promise.race([answered, gaveUp]).finally(() => clearTimeout(timer));
  }

  /** Records that `handler` handled the message, in `tx`; false when it had already (a redelivery). */
  async recordInInbox(tx: Transaction, messageId: string, handler: string): Promise<boolean> {
    const recorded: unknown[] = await entityManagerOf(tx).query(
      `INSERT INTO "${this.schema}".inbox (message_id, handler) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING message_id`,
      [messageId, handler],
    );
    return recorded.length > 0;
  }

  private async writeOutbox(manager: EntityManager, envelope: MessageEnvelope): Promise<void> {
    await manager.query(
      `INSERT INTO "${this.schema}".outbox (id, type, version, payload, correlation_id, causation_id, occurred_at, trace_context)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        envelope.messageId,
        envelope.type,
        envelope.version,
        JSON.stringify(envelope.payload),
        envelope.correlationId,
        envelope.causationId,
        envelope.occurredAt,
        envelope.traceContext ? JSON.stringify(envelope.traceContext) : null,
      ],
    );
  }
}

function traceContextField(): { traceContext?: TraceCarrier } {
  const traceContext = traceCarrier();
  return traceContext.traceparent ? { traceContext } : {};
}

/** Stamps a new message with the ids of the request or message being handled. */
export function envelopeFor<Payload>(type: MessageType<Payload>, payload: Payload): MessageEnvelope<Payload> {
  const messageId = randomUUID();
  return {
    messageId,
    type: type.type,
    version: type.version,
    occurredAt: new Date().toISOString(),
    correlationId: RequestContext.requestId() ?? messageId,
    causationId: RequestContext.messageId() ?? null,
    payload,
    ...traceContextField(),
  };
}
