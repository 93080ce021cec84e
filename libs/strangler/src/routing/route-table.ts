import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { ControlChannel } from '../control/control-channel.js';
import type { StranglerMode } from './strangleable-context.js';

/** Where a context's data lives: the shared database (`home`), or the database of its service (`own`). */
export type DataLocation = 'home' | 'own';

/** The `Route` of the HTTP contract, plus the migration's state. */
export interface Route {
  context: string;
  mode: StranglerMode;
  percent: number;
  updatedAt: string;
  updatedBy: string;
  /** Since when writes are refused and consumers paused for a handoff; absent when not frozen. */
  frozenSince?: string;
  dataLocation: DataLocation;
}

interface RouteRow {
  context: string;
  mode: StranglerMode;
  percent: number;
  updated_at: Date;
  updated_by: string;
  frozen_since: Date | null;
  data_location: DataLocation;
}

/**
 * Changes are heard at once through the control channel (LISTEN/NOTIFY); this re-read only catches
 * what could still be missed, so an idle instance reads the table this rarely.
 */
export const ROUTE_SAFETY_NET_MS = 10_000;

/** The percent a mode implies when none is given: all traffic for `service` and `retired`, none otherwise. */
export const defaultPercent = (mode: StranglerMode): number => (mode === 'service' || mode === 'retired' ? 100 : 0);

/** What an audit row says beyond the route's mode and percent. */
export interface AuditEntry {
  action: string;
  by: string;
  details?: Record<string, unknown>;
}

/** One row of the audit trail, as read back. */
export interface AuditRecord extends AuditEntry {
  id: number;
  context: string;
  at: string;
  from?: { mode: string; percent: number };
  to?: { mode: string; percent: number };
}

/**
 * Which side serves each strangleable context, persisted in the `strangler` schema with an audit
 * trail. Every change is announced on the control channel in its transaction, so every instance's
 * copy follows within milliseconds of the commit; a sparse re-read is the safety net.
 */
export class RouteTable {
  private readonly logger = new Logger(RouteTable.name);
  private routes = new Map<string, Route>();
  private timer: NodeJS.Timeout | undefined;
  private stopListening: (() => void) | undefined;
  private readonly followers = new Set<() => void>();
  /** Refreshes begun so far, and which of them the routes in memory were read by (see `refresh`). */
  private refreshesBegun = 0;
  private appliedRefresh = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: ControlChannel,
    private readonly safetyNetMs = ROUTE_SAFETY_NET_MS,
  ) {}

  /** Seeds a route for each context that has none (boot defaults), then loads them all and follows changes. */
  async start(bootModes: Record<string, StranglerMode>): Promise<void> {
    for (const [context, mode] of Object.entries(bootModes)) {
      await this.dataSource.query(
        `INSERT INTO strangler.routes (context, mode, percent, updated_at, updated_by) VALUES ($1, $2, $3, now(), 'boot')
         ON CONFLICT (context) DO NOTHING`,
        [context, mode, defaultPercent(mode)],
      );
    }
    await this.refresh();
    this.stopListening ??= this.channel.onChange((change) => {
      if (!change || change.kind === 'route') void this.refreshQuietly();
    });
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.refreshQuietly(), this.safetyNetMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.stopListening?.();
    this.stopListening = undefined;
  }

  get(context: string): Route | undefined {
    return this.routes.get(context);
  }

  list(): Route[] {
    return [...this.routes.values()].sort((a, b) => a.context.localeCompare(b.context));
  }

  /** Calls `listener` after every refresh (another instance's change, or this one's). */
  follow(listener: () => void): () => void {
    this.followers.add(listener);
    return () => this.followers.delete(listener);
  }

  /** Changes a route's mode and records who changed it from what to what, in one transaction. */
  change(context: string, mode: StranglerMode, percent: number, by: string, details?: Record<string, unknown>): Promise<Route> {
    return this.update(context, { mode, percent }, { action: 'route', by, details });
  }

  /**
   * Changes any part of a route (mode, percent, freeze, data location) in one transaction, with an
   * audit row, announced to every instance as it commits. The route must exist.
   */
  async update(
    context: string,
    changes: { mode?: StranglerMode; percent?: number; frozen?: boolean; dataLocation?: DataLocation },
    audit: AuditEntry,
  ): Promise<Route> {
    await this.dataSource.transaction(async (manager) => {
      const [previous]: RouteRow[] = await manager.query('SELECT * FROM strangler.routes WHERE context = $1 FOR UPDATE', [context]);
      const mode = changes.mode ?? previous?.mode;
      if (!mode) throw new Error(`No route for ${context} yet`);
      const percent = changes.percent ?? (changes.mode ? defaultPercent(changes.mode) : previous!.percent);
      const frozenSince = changes.frozen === undefined ? (previous?.frozen_since ?? null) : changes.frozen ? new Date() : null;
      const dataLocation = changes.dataLocation ?? previous?.data_location ?? 'home';
      await manager.query(
        `INSERT INTO strangler.routes (context, mode, percent, updated_at, updated_by, frozen_since, data_location)
         VALUES ($1, $2, $3, now(), $4, $5, $6)
         ON CONFLICT (context) DO UPDATE
           SET mode = EXCLUDED.mode, percent = EXCLUDED.percent, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by,
               frozen_since = EXCLUDED.frozen_since, data_location = EXCLUDED.data_location`,
        [context, mode, percent, audit.by, frozenSince, dataLocation],
      );
      await this.record(manager, context, audit, { from: previous, mode, percent });
      await this.channel.announce({ kind: 'route', context }, manager);
    });
    await this.refresh();
    this.logger.log({ context, ...changes, by: audit.by, action: audit.action }, 'strangler route changed');
    return this.routes.get(context)!;
  }

  /** The audit trail of a context (or of all), newest first. */
  async history(context: string | undefined, limit: number): Promise<AuditRecord[]> {
    const rows: Array<{
      id: string;
      context: string;
      action: string;
      from_mode: string | null;
      from_percent: number | null;
      to_mode: string | null;
      to_percent: number | null;
      changed_by: string;
      changed_at: Date;
      details: Record<string, unknown> | null;
    }> = await this.dataSource.query('SELECT * FROM strangler.audit WHERE $1::text IS NULL OR context = $1 ORDER BY id DESC LIMIT $2', [
      context ?? null,
      limit,
    ]);
    return rows.map((row) => ({
      id: Number(row.id),
      context: row.context,
      action: row.action,
      by: row.changed_by,
      at: new Date(row.changed_at).toISOString(),
      ...(row.from_mode ? { from: { mode: row.from_mode, percent: row.from_percent! } } : {}),
      ...(row.to_mode ? { to: { mode: row.to_mode, percent: row.to_percent! } } : {}),
      ...(row.details ? { details: row.details } : {}),
    }));
  }

  /** An audit row for something that is not a route change (a handoff step, say). */
  async audit(context: string, entry: AuditEntry): Promise<void> {
    await this.record(this.dataSource.manager, context, entry);
  }

  private async record(
    manager: EntityManager,
    context: string,
    { action, by, details }: AuditEntry,
    route?: { from: RouteRow | undefined; mode: StranglerMode; percent: number },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO strangler.audit (context, action, from_mode, from_percent, to_mode, to_percent, changed_by, changed_at, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8)`,
      [
        context,
        action,
        route?.from?.mode ?? null,
        route?.from?.percent ?? null,
        route?.mode ?? null,
        route?.percent ?? null,
        by,
        details ? JSON.stringify(details) : null,
      ],
    );
  }

  private async refreshQuietly(): Promise<void> {
    await this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'route refresh failed'));
  }

  /**
   * Refreshes overlap (timer, announcements, after a change), and a read begun before a commit may
   * answer after one begun after it: applied then, it would bring the old route back until the next
   * refresh. So a read that answers after a later-begun one was applied is dropped: the later one
   * began after every commit this instance knew of, and any newer commit it missed is followed by a
   * refresh of its own (after `update`, or on its announcement).
   */
  private async refresh(): Promise<void> {
    const refresh = ++this.refreshesBegun;
    const rows: RouteRow[] = await this.dataSource.query('SELECT * FROM strangler.routes');
    if (refresh < this.appliedRefresh) return;
    this.appliedRefresh = refresh;
    this.routes = new Map(rows.map((row) => [row.context, toRoute(row)]));
    for (const follower of this.followers) follower();
  }
}

function toRoute(row: RouteRow): Route {
  return {
    context: row.context,
    mode: row.mode,
    percent: row.percent,
    updatedAt: new Date(row.updated_at).toISOString(),
    updatedBy: row.updated_by,
    ...(row.frozen_since ? { frozenSince: new Date(row.frozen_since).toISOString() } : {}),
    dataLocation: row.data_location,
  };
}
