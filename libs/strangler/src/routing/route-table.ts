import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { NotificationHandler, Unlisten } from '@shop/platform';
import type { StranglerMode } from './strangleable-context.js';

/** The `Route` of the HTTP contract. */
export interface Route {
  context: string;
  mode: StranglerMode;
  percent: number;
  updatedAt: string;
  updatedBy: string;
}

interface RouteRow {
  context: string;
  mode: StranglerMode;
  percent: number;
  updated_at: Date;
  updated_by: string;
}

/** A change is in force on every instance within this long (ADR 0018): a NOTIFY on commit wakes the others. */
export const ROUTE_PROPAGATION_MS = 1000;

/** The NOTIFY channel of route changes (payload: the context). */
export const ROUTES_CHANNEL = 'strangler_routes';

export interface RouteTableOptions {
  /**
   * Hears the other instances' changes (DatabaseConnector.listen); undefined where no other
   * instance can exist (PGlite). Without it the table re-reads every ROUTE_PROPAGATION_MS.
   */
  listen?: (channel: string, handler: NotificationHandler) => Promise<Unlisten | undefined>;
  /** Safety net while listening: re-read this often anyway (a notification lost on a dropped connection is also re-read on reconnect). */
  safetyRefreshMs?: number;
}

export const DEFAULT_SAFETY_REFRESH_MS = 60_000;

/** The percent a mode implies when none is given: all traffic for `service`, none otherwise. */
export const defaultPercent = (mode: StranglerMode): number => (mode === 'service' ? 100 : 0);

/**
 * Which side serves each strangleable context, persisted in the `strangler` schema with an audit
 * trail. Every instance keeps a copy; a change notifies the others on commit (LISTEN/NOTIFY), and
 * each re-reads the table as a safety net; the instance that makes a change sees it at once.
 */
export class RouteTable {
  private readonly logger = new Logger(RouteTable.name);
  private routes = new Map<string, Route>();
  private timer: NodeJS.Timeout | undefined;
  private unlisten: Unlisten | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: RouteTableOptions = {},
  ) {}

  /** Seeds a route for each context that has none (boot defaults), then loads them all. */
  async start(bootModes: Record<string, StranglerMode>): Promise<void> {
    for (const [context, mode] of Object.entries(bootModes)) {
      await this.dataSource.query(
        `INSERT INTO strangler.routes (context, mode, percent, updated_at, updated_by) VALUES ($1, $2, $3, now(), 'boot')
         ON CONFLICT (context) DO NOTHING`,
        [context, mode, defaultPercent(mode)],
      );
    }
    // Listening first: a change committed between the read and the LISTEN would otherwise go unheard.
    this.unlisten = await this.options.listen?.(ROUTES_CHANNEL, () => this.refreshInBackground());
    await this.refresh();
    this.timer = setInterval(
      () => this.refreshInBackground(),
      this.unlisten ? (this.options.safetyRefreshMs ?? DEFAULT_SAFETY_REFRESH_MS) : ROUTE_PROPAGATION_MS,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  get(context: string): Route | undefined {
    return this.routes.get(context);
  }

  list(): Route[] {
    return [...this.routes.values()].sort((a, b) => a.context.localeCompare(b.context));
  }

  /** Changes a route and records who changed it from what to what, in one transaction. */
  async change(context: string, mode: StranglerMode, percent: number, by: string): Promise<Route> {
    await this.dataSource.transaction(async (manager) => {
      const [previous]: RouteRow[] = await manager.query('SELECT * FROM strangler.routes WHERE context = $1 FOR UPDATE', [context]);
      await manager.query(
        `INSERT INTO strangler.routes (context, mode, percent, updated_at, updated_by) VALUES ($1, $2, $3, now(), $4)
         ON CONFLICT (context) DO UPDATE
           SET mode = EXCLUDED.mode, percent = EXCLUDED.percent, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
        [context, mode, percent, by],
      );
      await manager.query(
        `INSERT INTO strangler.route_changes (context, from_mode, from_percent, to_mode, to_percent, changed_by, changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())`,
        [context, previous?.mode ?? null, previous?.percent ?? null, mode, percent, by],
      );
      // Delivered to the other instances when (and only if) the transaction commits.
      await manager.query('SELECT pg_notify($1, $2)', [ROUTES_CHANNEL, context]);
    });
    await this.refresh();
    this.logger.log({ context, mode, percent, by }, 'strangler route changed');
    return this.routes.get(context)!;
  }

  private refreshInBackground(): void {
    this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'route refresh failed'));
  }

  private async refresh(): Promise<void> {
    const rows: RouteRow[] = await this.dataSource.query('SELECT * FROM strangler.routes');
    this.routes = new Map(rows.map((row) => [row.context, toRoute(row)]));
  }
}

function toRoute(row: RouteRow): Route {
  return {
    context: row.context,
    mode: row.mode,
    percent: row.percent,
    updatedAt: new Date(row.updated_at).toISOString(),
    updatedBy: row.updated_by,
  };
}
