import { Logger } from '@nestjs/common';
import { SpanKind, trace, type Span } from '@opentelemetry/api';
import type { MessageEnvelope } from '@shop/contracts';
import type { DataSourceRef } from '../database/context-database.js';
import { TransportUnavailableError, type MessageTransport } from './message-transport.js';
import { MAX_ATTEMPTS, retryDelayMs } from './retry-policy.js';
import { contextFrom, failed, traceCarrier, tracer } from '../observability/tracing.js';

interface OutboxRow {
  position: string;
  id: string;
  type: string;
  version: number;
  payload: unknown;
  correlation_id: string;
  causation_id: string | null;
  occurred_at: Date | string;
  attempts: number;
  trace_context: Record<string, string> | null;
}

export interface RelayOptions {
  batchSize: number;
  /**
   * Safety net: how often to look for rows even when nobody signalled a commit (a claim whose relay
   * died, a commit whose process died before waking its relay). Retries and a broker coming back
   * are waited for on their own, shorter, clocks.
   */
  pollIntervalMs: number;
  /** While the transport is unavailable, how often to see whether it is back. */
  transportRecheckMs: number;
  /** A claimed row is left alone by other relays for this long (a crashed relay's claim expires). */
  claimLeaseMs: number;
  /** After this many failed attempts a row is set aside as dead, with its last error. */
  maxAttempts: number;
}

/** A pass scheduled for a row's due time runs this much later, so the row is surely due by then. */
const DUE_MARGIN_MS = 10;
/**
 * A timer may fire a millisecond or two before its time by Date.now(): a pass this close to the due
 * time is the one it was due for (the margin above keeps the row due at the database all the same).
 * Left in place, the stale due time would win over the next one a failing row sets, and the pass it
 * wakes at once would clear both, leaving the row to the safety-net poll.
 */
const TIMER_SLACK_MS = DUE_MARGIN_MS / 2;

/** Hears what each pass handed over (metrics). */
export interface RelayObserver {
  /** A batch went to the transport: how long it took, and how long each of its published rows had waited in the outbox. */
  published(batchSeconds: number, waitedSeconds: number[]): void;
}

export const DEFAULT_RELAY_OPTIONS: RelayOptions = {
  batchSize: 100,
  pollIntervalMs: 15_000,
  transportRecheckMs: 1000,
  claimLeaseMs: 15_000,
  maxAttempts: MAX_ATTEMPTS,
};

/**
 * Moves committed outbox rows of one context to the transport. Rows are claimed with
 * FOR UPDATE SKIP LOCKED in one short statement (several relays never take the same row, and no
 * transaction stays open while the transport works), then marked published once the transport
 * accepted them. Wakes on commit, polls as a safety net.
 */
export class OutboxRelay {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  /** Not started, or stopping: no new passes are scheduled and a running pass ends after its batch. */
  private stopped = true;
  /** When work a pass left is due (a retry's back-off, an unavailable transport), if sooner than the safety net. */
  private dueAt: number | undefined;

  constructor(
    private readonly schema: string,
    private readonly database: DataSourceRef,
    private readonly transport: MessageTransport,
    private readonly options: RelayOptions = DEFAULT_RELAY_OPTIONS,
    private readonly observer?: RelayObserver,
  ) {
    this.logger = new Logger(`OutboxRelay:${schema}`);
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Called after a commit that wrote to the outbox; coalesces into at most one extra pass. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain()
      .then(
        () => undefined,
        (error: unknown) => this.logger.error({ err: error }, 'outbox relay pass failed'),
      )
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.rerun) {
          this.rerun = false;
          this.wake();
        } else {
          const dueInMs = this.dueAt === undefined ? Infinity : Math.max(0, this.dueAt - Date.now());
          this.timer = setTimeout(() => this.wake(), Math.min(this.options.pollIntervalMs, dueInMs));
          this.timer.unref();
        }
      });
  }

  /** Publishes until nothing is due. Exposed for tests and shutdown. */
  async drain(): Promise<number> {
    // This pass is the one it was due for.
    if (this.dueAt !== undefined && this.dueAt <= Date.now() + TIMER_SLACK_MS) this.dueAt = undefined;
    if (
      !(await this.transport.ready().then(
        () => true,
        () => false,
      ))
    ) {
      this.dueSoon(this.options.transportRecheckMs);
      return 0; // the broker is away: the outbox keeps it all
    }
    let total = 0;
    for (;;) {
      const rows = await this.claim();
      if (rows.length === 0) return total;
      total += await this.publish(rows);
      if (this.stopped && this.running) return total;
    }
  }

  private async claim(): Promise<OutboxRow[]> {
    // Wrapped in a CTE so the driver answers rows (a bare UPDATE … RETURNING answers [rows, count]).
    const rows: OutboxRow[] = await this.database.dataSource.query(
      `WITH claimed AS (
       UPDATE "${this.schema}".outbox o
          SET available_at = now() + make_interval(secs => $2::double precision / 1000), attempts = o.attempts + 1
         FROM (SELECT position FROM "${this.schema}".outbox
                WHERE published_at IS NULL AND dead_at IS NULL AND available_at <= now()
                ORDER BY position LIMIT $1
                FOR UPDATE SKIP LOCKED) due
        WHERE o.position = due.position
        RETURNING o.position, o.id, o.type, o.version, o.payload, o.correlation_id, o.causation_id, o.occurred_at, o.attempts,
                  o.trace_context)
       SELECT * FROM claimed ORDER BY position`,
      [this.options.batchSize, this.options.claimLeaseMs],
    );
    return rows;
  }

  private async publish(rows: OutboxRow[]): Promise<number> {
    // Each event is published in the trace of the work that wrote it (its stored context), not in the relay's.
    const spans = rows.map((row) => this.publishSpan(row));
    const started = performance.now();
    const outcomes = await this.transport.publish(rows.map((row, i) => toEnvelope(row, spans[i])));
    const handedOver = Date.now();
    spans.forEach((span, i) => {
      if (!span) return;
      if (outcomes[i]) failed(span, outcomes[i]);
      span.end();
    });
    const published = rows.filter((_, i) => outcomes[i] === null).map((row) => row.id);
    this.observer?.published(
      (performance.now() - started) / 1000,
      rows.filter((_, i) => outcomes[i] === null).map((row) => (handedOver - new Date(row.occurred_at).getTime()) / 1000),
    );
    if (published.length > 0) {
      await this.database.dataSource.query(
        `UPDATE "${this.schema}".outbox SET published_at = now(), last_error = NULL WHERE id = ANY($1::uuid[])`,
        [published],
      );
    }
    await Promise.all(rows.flatMap((row, i) => (outcomes[i] ? [this.fail(row, outcomes[i])] : [])));
    return published.length;
  }

  private publishSpan(row: OutboxRow): Span | undefined {
    if (!row.trace_context) return undefined;
    return tracer().startSpan(
      `${row.type} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.operation.type': 'publish',
          'messaging.destination.name': `${row.type}.v${row.version}`,
          'messaging.message.id': row.id,
          'shop.context': this.schema,
          'shop.outbox.attempt': row.attempts,
        },
      },
      contextFrom(row.trace_context),
    );
  }

  private async fail(row: OutboxRow, error: Error): Promise<void> {
    if (error instanceof TransportUnavailableError) return this.postpone(row);
    const dead = row.attempts >= this.options.maxAttempts;
    await this.setAside(
      `UPDATE "${this.schema}".outbox
          SET last_error = $2,
              available_at = now() + make_interval(secs => $3::double precision / 1000),
              dead_at = CASE WHEN $4 THEN now() END
        WHERE id = $1
        RETURNING available_at, dead_at`,
      [row.id, error.message, retryDelayMs(row.attempts) ?? 0, dead],
    );
    const log = { messageId: row.id, type: row.type, attempts: row.attempts, err: error };
    if (dead) this.logger.error(log, 'message set aside as dead after its last attempt');
    else this.logger.warn(log, 'message delivery failed; will retry');
  }

  private dueSoon(ms: number): void {
    this.dueAt = Math.min(this.dueAt ?? Infinity, Date.now() + ms);
  }

  /**
   * Runs `update` (an UPDATE … RETURNING available_at, dead_at of one row) and schedules a pass for
   * when the row is due again, by the database's clock: the row must already be due when that pass
   * claims, or it would wait for the safety net.
   */
  private async setAside(update: string, parameters: unknown[]): Promise<void> {
    const [due]: Array<{ in_ms: number | null }> = await this.database.dataSource.query(
      `WITH updated AS (${update})
       SELECT CASE WHEN dead_at IS NULL THEN GREATEST(0, EXTRACT(EPOCH FROM available_at - clock_timestamp()) * 1000) END AS in_ms
         FROM updated`,
      parameters,
    );
    if (due?.in_ms !== null && due?.in_ms !== undefined) this.dueSoon(Number(due.in_ms) + DUE_MARGIN_MS);
  }

  /** The broker is away: give the claim back without counting the attempt; a pass picks it up once the broker is back. */
  private async postpone(row: OutboxRow): Promise<void> {
    await this.setAside(
      `UPDATE "${this.schema}".outbox
          SET attempts = attempts - 1, available_at = now() + make_interval(secs => $2::double precision / 1000)
        WHERE id = $1
        RETURNING available_at, dead_at`,
      [row.id, this.options.transportRecheckMs],
    );
  }
}

function toEnvelope(row: OutboxRow, span: Span | undefined): MessageEnvelope {
  return {
    messageId: row.id,
    type: row.type,
    version: row.version,
    payload: row.payload,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    occurredAt: new Date(row.occurred_at).toISOString(),
    ...(span ? { traceContext: traceCarrier(trace.setSpan(contextFrom(row.trace_context!), span)) } : {}),
  };
}
