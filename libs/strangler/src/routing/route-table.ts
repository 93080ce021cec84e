import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
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

/** Instances re-read the table this often, so a change is in force everywhere within a second. */
export const ROUTE_REFRESH_MS = 400;

/** The percent a mode implies when none is given: all traffic for `service`, none otherwise. */
export const defaultPercent = (mode: StranglerMode): number => (mode === 'service' ? 100 : 0);

/**
 * Which side serves each strangleable context, persisted in the `strangler` schema with an audit
 * trail. Every instance keeps a copy and re-reads it every ROUTE_REFRESH_MS; the instance that
 * makes a change sees it at once.
 */
export class RouteTable {
  private readonly logger = new Logger(RouteTable.name);
  private routes = new Map<string, Route>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** Seeds a route for each context that has none (boot defaults), then loads them all. */
  async start(bootModes: Record<string, StranglerMode>): Promise<void> {
    for (const [context, mode] of Object.entries(bootModes)) {
      await this.dataSource.query(
        `INSERT INTO strangler.routes (context, mode, percent, updated_at, updated_by) VALUES ($1, $2, $3, now(), 'boot')
         ON CONFLICT (context) DO NOTHING`,
        [context, mode, defaultPercent(mode)],
      );
    }
    await this.refresh();
    this.timer = setInterval(
      () => void this.refresh().catch((error) => this.logger.warn({ err: error }, 'route refresh failed')),
      ROUTE_REFRESH_MS,
    );
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
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
    });
    await this.refresh();
    this.logger.log({ context, mode, percent, by }, 'strangler route changed');
    return this.routes.get(context)!;
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
