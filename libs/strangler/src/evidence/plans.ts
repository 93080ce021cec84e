import type { DataSource } from 'typeorm';
import type { ControlChannel } from '../control/control-channel.js';
import type { GateStatus } from './gates.js';

/** One step of a promotion plan: a route to hold, for at least `holdS`, with its gates green. */
export interface PlanStep {
  mode: 'shadow' | 'canary' | 'service';
  /** canary only. */
  percent?: number;
  holdS: number;
  /** shadow only: compared reads needed before moving on, and the largest mismatch rate allowed. */
  minComparedReads?: number;
  maxMismatchRate?: number;
}

export interface Plan {
  steps: PlanStep[];
}

export const PLAN_STATUSES = ['idle', 'running', 'paused', 'done', 'aborted', 'rolled-back'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** Shadow comparisons counted for a context (matches and mismatches; reads the service could not answer are not compared). */
export interface ShadowTotals {
  compared: number;
  mismatches: number;
}

/** Where the shadow step reads its comparisons: swap it for a fleet-wide source without touching plans. */
export interface ShadowEvidence {
  /**
   * The comparisons counted from `sinceMs` on. A step counts from its own start rather than subtracting
   * a total taken then: the counts are pruned after their retention, and a difference of two totals
   * would lose what was pruned in between (down to a negative mismatch count that lets a step pass).
   */
  totals(context: string, sinceMs: number): Promise<ShadowTotals>;
}

/** The default: shadow until 2,000 compared reads with at most 0.1% mismatches, then canary 5, 25, 50, then service. */
export const DEFAULT_PLAN: Plan = {
  steps: [
    { mode: 'shadow', holdS: 60, minComparedReads: 2000, maxMismatchRate: 0.001 },
    { mode: 'canary', percent: 5, holdS: 60 },
    { mode: 'canary', percent: 25, holdS: 60 },
    { mode: 'canary', percent: 50, holdS: 60 },
    { mode: 'service', holdS: 60 },
  ],
};

export interface PlanState {
  plan: Plan | null;
  status: PlanStatus;
  stepIndex: number;
  stepStartedAt: string | null;
}

/** What a step still waits for (`waitingFor` empty: it may advance), with the figures it was judged on. */
export interface StepProgress {
  heldS: number;
  holdS: number;
  gate: GateStatus | 'none';
  comparedReads?: number;
  mismatchRate?: number;
  waitingFor: string[];
}

/**
 * Whether a step may advance: it held its route for `holdS`, its gate is green (a shadow step needs
 * no gate: no customer is served by the service yet), and a shadow step compared enough reads with
 * few enough mismatches since it started.
 */
export function stepProgress(step: PlanStep, input: { heldS: number; gate: GateStatus | 'none'; shadow?: ShadowTotals }): StepProgress {
  const waitingFor: string[] = [];
  const heldS = Math.floor(input.heldS);
  if (heldS < step.holdS) waitingFor.push(`held ${heldS} of ${step.holdS} s`);
  const progress: StepProgress = { heldS, holdS: step.holdS, gate: input.gate, waitingFor };
  if (step.mode === 'shadow') {
    const compared = input.shadow?.compared ?? 0;
    const mismatchRate = compared === 0 ? 0 : (input.shadow?.mismatches ?? 0) / compared;
    progress.comparedReads = compared;
    progress.mismatchRate = mismatchRate;
    if (compared < (step.minComparedReads ?? 0)) waitingFor.push(`${compared} of ${step.minComparedReads} compared reads`);
    if (compared > 0 && mismatchRate > (step.maxMismatchRate ?? 1)) {
      waitingFor.push(`mismatch rate ${mismatchRate.toFixed(4)} > ${step.maxMismatchRate}`);
    }
  } else if (input.gate !== 'green') {
    waitingFor.push(`gate ${input.gate}, not green`);
  }
  return progress;
}

/** Whether the route is the one a step asks for. */
export const onStep = (step: PlanStep, route: { mode: string; percent: number } | undefined): boolean =>
  route?.mode === step.mode && (step.mode !== 'canary' || route.percent === step.percent);

interface PlanRow {
  steps: PlanStep[];
  status: PlanStatus;
  step_index: number;
  step_started_at: Date | null;
}

/** Plans per context in the `strangler` schema; every change is announced (the decider wakes up). */
export class PlanStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: ControlChannel,
  ) {}

  async get(context: string): Promise<PlanState> {
    const [row]: PlanRow[] = await this.dataSource.query('SELECT * FROM strangler.plans WHERE context = $1', [context]);
    if (!row) return { plan: null, status: 'idle', stepIndex: 0, stepStartedAt: null };
    return {
      plan: { steps: row.steps },
      status: row.status,
      stepIndex: row.step_index,
      stepStartedAt: row.step_started_at ? new Date(row.step_started_at).toISOString() : null,
    };
  }

  async running(): Promise<string[]> {
    const rows: Array<{ context: string }> = await this.dataSource.query("SELECT context FROM strangler.plans WHERE status = 'running'");
    return rows.map((row) => row.context);
  }

  /** Writes a plan's state whole. */
  async save(context: string, state: Omit<PlanState, 'plan'> & { plan: Plan }, by: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO strangler.plans (context, steps, status, step_index, step_started_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, now(), $6)
         ON CONFLICT (context) DO UPDATE SET steps = EXCLUDED.steps, status = EXCLUDED.status, step_index = EXCLUDED.step_index,
           step_started_at = EXCLUDED.step_started_at, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
        [context, JSON.stringify(state.plan.steps), state.status, state.stepIndex, state.stepStartedAt, by],
      );
      await this.channel.announce({ kind: 'plan', context }, manager);
    });
  }
}
