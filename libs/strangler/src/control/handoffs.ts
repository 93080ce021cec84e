import type { DataSource } from 'typeorm';
import type { ControlChannel } from './control-channel.js';

export type HandoffDirection = 'out' | 'back';
export type HandoffStatus = 'running' | 'held' | 'interrupted' | 'failed' | 'aborted' | 'done';

/** The steps of a handoff, in order; `step` is the last one completed. */
export const HANDOFF_STEPS = ['requested', 'frozen', 'drained', 'prepared', 'copied', 'verified', 'switched', 'done'] as const;
export type HandoffStep = (typeof HANDOFF_STEPS)[number];

/** Figures of one table: rows and a hash of their content, on each side. */
export interface TableFigures {
  sourceRows: number;
  targetRows?: number;
  sourceHash: string;
  targetHash?: string;
}

export interface Handoff {
  context: string;
  direction: HandoffDirection;
  status: HandoffStatus;
  step: HandoffStep;
  /** Held after this step until resumed (to inspect the copy, say). */
  until?: HandoffStep;
  /** The instance driving it now. */
  driver?: string;
  startedAt: string;
  startedBy: string;
  frozenAt?: string;
  unfrozenAt?: string;
  updatedAt: string;
  figures: {
    tables?: Record<string, TableFigures>;
    freezeMs?: number;
    copyMs?: number;
    /** Where the source's schema was put aside after the switch. */
    retiredCopy?: string;
    steps?: Partial<Record<HandoffStep, string>>;
  };
  error?: string;
}

interface HandoffRow {
  context: string;
  direction: HandoffDirection;
  status: HandoffStatus;
  step: HandoffStep;
  until_step: HandoffStep | null;
  driver: string | null;
  started_at: Date;
  started_by: string;
  frozen_at: Date | null;
  unfrozen_at: Date | null;
  updated_at: Date;
  figures: Handoff['figures'];
  error: string | null;
}

/** A handoff that is not over: a new one cannot start, and the route cannot change. */
export const isActive = (handoff: Handoff | undefined): boolean =>
  handoff !== undefined && (handoff.status === 'running' || handoff.status === 'held' || handoff.status === 'interrupted');

export const stepIndex = (step: HandoffStep): number => HANDOFF_STEPS.indexOf(step);

/** The handoffs, one row per context in `strangler.handoffs`, every change announced on the control channel. */
export class HandoffStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: ControlChannel,
  ) {}

  async get(context: string): Promise<Handoff | undefined> {
    const [row]: HandoffRow[] = await this.dataSource.query('SELECT * FROM strangler.handoffs WHERE context = $1', [context]);
    return row ? toHandoff(row) : undefined;
  }

  /** Starts a handoff unless one is active; answers the active one when it is (and does not start). */
  async begin(
    context: string,
    direction: HandoffDirection,
    by: string,
    until: HandoffStep | undefined,
  ): Promise<{ started: boolean; handoff: Handoff }> {
    return this.dataSource.transaction(async (manager) => {
      const [row]: HandoffRow[] = await manager.query('SELECT * FROM strangler.handoffs WHERE context = $1 FOR UPDATE', [context]);
      if (row && isActive(toHandoff(row))) return { started: false, handoff: toHandoff(row) };
      const [created]: HandoffRow[] = await manager.query(
        `INSERT INTO strangler.handoffs
           (context, direction, status, step, until_step, driver, started_at, started_by,
            frozen_at, unfrozen_at, updated_at, figures, error)
         VALUES ($1, $2, 'running', 'requested', $3, NULL, now(), $4, NULL, NULL, now(), '{}', NULL)
         ON CONFLICT (context) DO UPDATE SET direction = EXCLUDED.direction, status = EXCLUDED.status, step = EXCLUDED.step,
           until_step = EXCLUDED.until_step, driver = NULL, started_at = EXCLUDED.started_at, started_by = EXCLUDED.started_by,
           frozen_at = NULL, unfrozen_at = NULL, updated_at = EXCLUDED.updated_at, figures = EXCLUDED.figures, error = NULL
         RETURNING *`,
        [context, direction, until ?? null, by],
      );
      await this.channel.announce({ kind: 'handoff', context }, manager);
      return { started: true, handoff: toHandoff(created!) };
    });
  }

  /** Changes a handoff when its status is one of `from` (so two parties never both move it); false when it was not. */
  async update(
    context: string,
    changes: Partial<Pick<Handoff, 'status' | 'step'>> & {
      until?: HandoffStep | null;
      driver?: string | null;
      error?: string | null;
      frozenAt?: Date | null;
      unfrozenAt?: Date | null;
      figures?: Handoff['figures'];
    },
    from: HandoffStatus[] = ['running'],
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [row]: HandoffRow[] = await manager.query('SELECT * FROM strangler.handoffs WHERE context = $1 FOR UPDATE', [context]);
      if (!row || !from.includes(row.status)) return false;
      await manager.query(
        `UPDATE strangler.handoffs
            SET status = $2, step = $3, driver = $4, error = $5, until_step = $6, frozen_at = $7, unfrozen_at = $8, figures = $9,
                updated_at = now()
          WHERE context = $1`,
        [
          context,
          changes.status ?? row.status,
          changes.step ?? row.step,
          changes.driver === undefined ? row.driver : changes.driver,
          changes.error === undefined ? row.error : changes.error,
          changes.until === undefined ? row.until_step : changes.until,
          changes.frozenAt === undefined ? row.frozen_at : changes.frozenAt,
          changes.unfrozenAt === undefined ? row.unfrozen_at : changes.unfrozenAt,
          JSON.stringify(changes.figures ?? row.figures),
        ],
      );
      await this.channel.announce({ kind: 'handoff', context }, manager);
      return true;
    });
  }
}

function toHandoff(row: HandoffRow): Handoff {
  const iso = (value: Date | null) => (value ? new Date(value).toISOString() : undefined);
  return {
    context: row.context,
    direction: row.direction,
    status: row.status,
    step: row.step,
    ...(row.until_step ? { until: row.until_step } : {}),
    ...(row.driver ? { driver: row.driver } : {}),
    startedAt: iso(row.started_at)!,
    startedBy: row.started_by,
    ...(row.frozen_at ? { frozenAt: iso(row.frozen_at) } : {}),
    ...(row.unfrozen_at ? { unfrozenAt: iso(row.unfrozen_at) } : {}),
    updatedAt: iso(row.updated_at)!,
    figures: row.figures ?? {},
    ...(row.error ? { error: row.error } : {}),
  };
}
