import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/** The PostgreSQL channel every instance listens on for changes to the strangler's state. */
const CHANNEL = 'strangler';
/** Waits between attempts to listen again after the connection was lost. */
const RECONNECT_DELAYS_MS = [100, 500, 1000, 2000, 5000];

export interface ControlChange {
  /** What changed: a route, a handoff, an instance's report. */
  kind: 'route' | 'handoff' | 'instance';
  context?: string;
}

type Listener = (change: ControlChange | undefined) => void;

/**
 * How a change to the strangler's state reaches every instance at once: PostgreSQL LISTEN/NOTIFY.
 * A change is announced with pg_notify in the transaction that makes it, so every listener hears it
 * as it commits. A listener that lost its connection hears `undefined` once it listens again (it may
 * have missed something: read everything). Without PostgreSQL (embedded PGlite, one process) the
 * announcement is delivered in-process only.
 */
export class ControlChannel {
  private readonly logger = new Logger('ControlChannel');
  private readonly local = new EventEmitter();
  private client: pg.Client | undefined;
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    /** The PostgreSQL URL to listen on; undefined on the embedded database. */
    private readonly url: string | undefined,
  ) {}

  async start(): Promise<void> {
    if (this.url) await this.listen(0);
  }

  onChange(listener: Listener): () => void {
    this.local.on('change', listener);
    return () => this.local.off('change', listener);
  }

  /** Announces a change; inside a transaction (`manager`), it is heard when that transaction commits. */
  async announce(change: ControlChange, manager: EntityManager | DataSource = this.dataSource): Promise<void> {
    if (this.url) await manager.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(change)]);
    else setImmediate(() => this.local.emit('change', change));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }

  private async listen(attempt: number): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'shop-strangler-listener' });
    client.on('notification', (message) => this.local.emit('change', parse(message.payload)));
    client.on('error', (error) => {
      if (this.client !== client) return; // an error of a connection already given up
      this.client = undefined;
      this.logger.warn({ err: error }, 'control channel lost; listening again');
      void client.end().catch(() => undefined);
      this.retry(1);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
      // Whatever happened while not listening is unknown: everyone re-reads.
      if (attempt > 0) this.local.emit('change', undefined);
    } catch (error) {
      await client.end().catch(() => undefined);
      if (attempt === 0) throw error;
      this.logger.warn({ err: error }, 'cannot listen to the control channel yet');
      this.retry(attempt);
    }
  }

  private retry(attempt: number): void {
    if (this.closed) return;
    const delay = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)]!;
    setTimeout(() => void this.listen(attempt + 1), delay).unref();
  }
}

function parse(payload: string | undefined): ControlChange | undefined {
  try {
    return payload ? (JSON.parse(payload) as ControlChange) : undefined;
  } catch {
    return undefined;
  }
}
