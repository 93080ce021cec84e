import { EventEmitter } from 'node:events';
import type { NotificationHandler, Unlisten } from '@shop/platform';
import type { DataSource, EntityManager } from 'typeorm';

/** The PostgreSQL channel every instance listens on for changes to the strangler's state. */
const CHANNEL = 'strangler';

export interface ControlChange {
  /** What changed: a route, a handoff, an instance's report, outcomes written, a gate, a plan, a context's shadow settings. */
  kind: 'route' | 'handoff' | 'instance' | 'outcomes' | 'gate' | 'plan' | 'shadow';
  context?: string;
}

type Listener = (change: ControlChange | undefined) => void;

/** DatabaseConnector.listen: undefined where no other instance can exist (embedded PGlite). */
export type Listen = (channel: string, handler: NotificationHandler) => Promise<Unlisten | undefined>;

/**
 * How a change to the strangler's state reaches every instance at once: PostgreSQL LISTEN/NOTIFY,
 * on the process's one listener connection (DatabaseConnector.listen). A change is announced with
 * pg_notify in the transaction that makes it, so every listener hears it as it commits. After the
 * listener lost its connection, listeners hear `undefined` once (something may have been missed:
 * read everything). Without PostgreSQL (embedded PGlite, one process) the announcement is delivered
 * in-process only.
 */
export class ControlChannel {
  private readonly local = new EventEmitter();
  private unlisten: Unlisten | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly listen: Listen,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.listen(CHANNEL, (payload) => this.local.emit('change', parse(payload)));
  }

  onChange(listener: Listener): () => void {
    this.local.on('change', listener);
    return () => this.local.off('change', listener);
  }

  /** Announces a change; inside a transaction (`manager`), it is heard when that transaction commits. */
  async announce(change: ControlChange, manager: EntityManager | DataSource = this.dataSource): Promise<void> {
    if (this.unlisten) await manager.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(change)]);
    else setImmediate(() => this.local.emit('change', change));
  }

  async close(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = undefined;
  }
}

function parse(payload: string | undefined): ControlChange | undefined {
  try {
    return payload ? (JSON.parse(payload) as ControlChange) : undefined;
  } catch {
    return undefined;
  }
}
