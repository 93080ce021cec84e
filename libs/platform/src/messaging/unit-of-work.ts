import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { MessageEnvelope, MessageType } from '@shop/contracts';
import { RequestContext } from '../http/request-context.js';

/** One local transaction of a context: state changes through `manager`, events through `publish`. */
export interface Transaction {
  readonly manager: EntityManager;
  /** Written to the context's outbox in this transaction; dispatched only after it commits. */
  publish<Payload>(type: MessageType<Payload>, payload: Payload): Promise<void>;
}

/**
 * A context's gateway to its own database: `run` opens a transaction whose outbox writes commit
 * with the state change (or not at all), then wakes the relay.
 */
export class UnitOfWork {
  constructor(
    readonly schema: string,
    private readonly dataSource: DataSource,
    private readonly afterCommit: () => void,
  ) {}

  /** For reads outside a transaction. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    let published = 0;
    const result = await this.dataSource.transaction(async (manager) =>
      work({
        manager,
        publish: async (type, payload) => {
          await this.writeOutbox(manager, envelopeFor(type, payload));
          published += 1;
        },
      }),
    );
    if (published > 0) this.afterCommit();
    return result;
  }

  private async writeOutbox(manager: EntityManager, envelope: MessageEnvelope): Promise<void> {
    await manager.query(
      `INSERT INTO "${this.schema}".outbox (id, type, version, payload, correlation_id, causation_id, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [envelope.messageId, envelope.type, envelope.version, JSON.stringify(envelope.payload), envelope.correlationId, envelope.causationId, envelope.occurredAt],
    );
  }
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
  };
}
