import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { ControlChannel } from './control-channel.js';
import { pgClientOf } from './pg-client.js';

/** What an instance says about one strangleable context, as it last applied the control state. */
export interface ContextReport {
  /** The context's code runs in this process (its consumers and relay). */
  hosted: boolean;
  /** This process answers the facade's requests for the context. */
  serves: boolean;
  consumers?: 'running' | 'paused';
  relay?: 'running' | 'stopped';
  /** Where this process reaches the context's data: `home` (shared) or `own`. */
  location?: string;
  /** A database of the context's own is configured here (a handoff can move the data there). */
  ownDatabase?: boolean;
  /** This process has applied a freeze: it refuses the context's writes and its consumers are paused. */
  frozen: boolean;
  /** The context's commands this process is executing now. */
  commandsInFlight?: number;
}

export interface InstanceReport {
  app: string;
  host: string;
  pid: number;
  /** Serves HTTP for strangled contexts (the monolith). */
  facade: boolean;
  contexts: Record<string, ContextReport>;
}

export interface Instance {
  id: string;
  app: string;
  startedAt: string;
  seenAt: string;
  report: InstanceReport;
}

/** How often an instance beats when nothing changes; it also reports at once whenever it applies a change. */
export const HEARTBEAT_MS = 5000;
/** An instance not seen for this long is no longer counted as alive. */
export const ALIVE_WITHIN_MS = 3 * HEARTBEAT_MS;
/** The first key of every instance's liveness lock (the second is a hash of its id). */
const LIVENESS_LOCKS = 0x5741_4c4b;

/**
 * Every running instance of every app, as each one last reported (a row per instance in
 * `strangler.instances`, refreshed on a heartbeat and on every change it applies). A handoff waits
 * for every live instance to report what it asked of them; the console shows who is alive.
 *
 * On PostgreSQL an instance also holds a session advisory lock for as long as it runs: the server
 * drops it the moment the process dies, so a killed instance stops counting at once rather than
 * when its heartbeat grows old (a stalled one, still connected, keeps counting: it may wake up).
 */
export class InstanceRegistry {
  private readonly logger = new Logger('Instances');
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date();
  private lastReport = '';

  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: ControlChannel,
    readonly instanceId: string,
    private readonly current: () => InstanceReport,
    private readonly postgres: boolean,
  ) {}

  async start(): Promise<void> {
    if (this.postgres) await this.holdLivenessLock();
    await this.report();
    this.timer = setInterval(
      () => void this.report().catch((error: unknown) => this.logger.warn({ err: error }, 'heartbeat failed')),
      HEARTBEAT_MS,
    );
    this.timer.unref();
  }

  /** Writes this instance's report now; when it changed, tells the others (who may be waiting for it). */
  async report(): Promise<void> {
    const report = this.current();
    const json = JSON.stringify(report);
    const write = (manager: Pick<EntityManager, 'query'>) =>
      manager.query(
        `INSERT INTO strangler.instances (id, app, started_at, seen_at, report) VALUES ($1, $2, $3, now(), $4)
         ON CONFLICT (id) DO UPDATE SET seen_at = now(), report = EXCLUDED.report`,
        [this.instanceId, report.app, this.startedAt, json],
      );
    if (json === this.lastReport) {
      // A heartbeat like the last: one statement, no transaction (an idle instance's only regular write).
      await write(this.dataSource);
    } else {
      await this.dataSource.transaction(async (manager) => {
        await write(manager);
        await this.channel.announce({ kind: 'instance' }, manager);
      });
    }
    this.lastReport = json;
  }

  /** Instances seen within ALIVE_WITHIN_MS (and, on PostgreSQL, still holding their liveness lock), oldest first. */
  async alive(): Promise<Instance[]> {
    const locked = this.postgres
      ? `AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                        AND l.classid = $2::int::oid AND l.objid = hashtext(i.id)::oid)`
      : '';
    const rows: Array<{ id: string; app: string; started_at: Date; seen_at: Date; report: InstanceReport }> = await this.dataSource.query(
      `SELECT id, app, started_at, seen_at, report FROM strangler.instances i
        WHERE seen_at > now() - make_interval(secs => $1::double precision / 1000) ${locked} ORDER BY started_at, id`,
      this.postgres ? [ALIVE_WITHIN_MS, LIVENESS_LOCKS] : [ALIVE_WITHIN_MS],
    );
    return rows.map((row) => ({
      id: row.id,
      app: row.app,
      startedAt: new Date(row.started_at).toISOString(),
      seenAt: new Date(row.seen_at).toISOString(),
      report: row.report,
    }));
  }

  /** Stops beating and says goodbye, so nobody waits for this instance. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopped = true;
    await this.dataSource.query('DELETE FROM strangler.instances WHERE id = $1', [this.instanceId]).catch(() => undefined);
    await this.session?.release().catch(() => undefined);
  }

  private session: QueryRunner | undefined;
  private stopped = false;

  /** Holds this instance's liveness lock on a connection of its own, taken again if that connection is lost. */
  private async holdLivenessLock(): Promise<void> {
    const session = this.dataSource.createQueryRunner();
    await session.connect();
    await session.query('SELECT pg_advisory_lock($1, hashtext($2))', [LIVENESS_LOCKS, this.instanceId]);
    this.session = session;
    pgClientOf(session).on('error', (error) => {
      if (this.stopped) return;
      this.logger.warn({ err: error }, 'liveness lock lost; taking it again');
      setTimeout(() => void this.holdLivenessLock().catch(() => undefined), 1000).unref();
    });
  }
}
