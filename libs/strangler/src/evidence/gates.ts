import type { DataSource } from 'typeorm';
import type { ControlChannel } from '../control/control-channel.js';
import type { SideFigures, Window } from './outcomes.js';

/**
 * The shortest window a gate judges: longer than the longest call to a service (STRANGLER_TIMEOUT_MS,
 * at most 3 s, a wait for a bulkhead slot included), since an answer counts in the second its request
 * arrived and must still be inside the window when it is written.
 */
export const MIN_GATE_WINDOW_S = 5;

/** The `Gate` of the HTTP contract: what a context's service side is held to, over a sliding window. */
export interface Gate {
  windowS: number;
  /** Fewer service requests than this in the window: nothing is concluded (`waiting`). */
  minRequests: number;
  maxErrorRate: number;
  maxP99Ms?: number;
  /** The service's p99 may be at most this many times the monolith's over the same window. */
  maxP99Ratio?: number;
  /** Records what it would do (`would-roll-back`) and does nothing. */
  dryRun: boolean;
}

export const GATE_STATUSES = ['waiting', 'green', 'breached', 'rolled-back', 'would-roll-back', 'alert'] as const;
export type GateStatus = (typeof GATE_STATUSES)[number];

/** The window's figures a judgement was made on. */
export interface GateFigures {
  windowS: number;
  monolith: SideFigures;
  service: SideFigures;
  /** The monolith p99 the ratio was measured against (this window's, or the baseline from before the switch). */
  referenceP99Ms: number | null;
}

export interface GateState {
  status: GateStatus;
  reason: string | null;
  /** When the gate entered this status. */
  at: string | null;
  /** The latest judgement's figures (refreshed at every look while the gate is watched), and when it was made. */
  figures: GateFigures | null;
  judgedAt: string | null;
}

export interface Verdict {
  status: 'waiting' | 'green' | 'breached';
  reason: string | null;
  figures: GateFigures;
}

/**
 * Evidence is counted per whole second: the first of them to begin at or after `ms`. The second a
 * change happened in holds what came before it, so counting from a change starts here.
 */
export const firstWholeSecond = (ms: number): number => Math.ceil(ms / 1000) * 1000;

/**
 * The first second a gate judges at `nowMs`: the last `windowS` whole seconds of arrival, the current
 * one counting as one (not windowS + 1 partial ones), and never a second before the first whole second
 * after the route's change.
 */
export function judgedSince(nowMs: number, windowS: number, routeChangedAtMs: number): Date {
  return new Date(Math.max(firstWholeSecond(nowMs - windowS * 1000), firstWholeSecond(routeChangedAtMs)));
}

/**
 * Judges a window of outcomes against a gate: the service side's error rate, its p99, and its p99
 * relative to the monolith's over the same window (or, with no monolith traffic to compare with, the
 * monolith's p99 recorded before the switch). Too few service requests: `waiting`.
 */
export function judge(gate: Gate, window: Window, windowS: number, baselineP99Ms: number | null): Verdict {
  const monolith = window.monolith.figures();
  const service = window.service.figures();
  const referenceP99Ms = monolith.requests >= gate.minRequests ? monolith.p99Ms : baselineP99Ms;
  const figures: GateFigures = { windowS, monolith, service, referenceP99Ms };
  if (service.requests < gate.minRequests) {
    return { status: 'waiting', reason: `${service.requests} of ${gate.minRequests} service requests needed in the window`, figures };
  }
  const over = `over ${windowS} s`;
  if (service.errorRate > gate.maxErrorRate) {
    return {
      status: 'breached',
      reason:
        `error rate ${fixed(service.errorRate)} > ${gate.maxErrorRate} ` +
        `(${service.errors} of ${service.requests} service requests ${over})`,
      figures,
    };
  }
  const p99 = service.p99Ms ?? 0;
  if (gate.maxP99Ms !== undefined && p99 > gate.maxP99Ms) {
    return { status: 'breached', reason: `service p99 ${p99} ms > ${gate.maxP99Ms} ms (${service.requests} requests ${over})`, figures };
  }
  if (gate.maxP99Ratio !== undefined && referenceP99Ms !== null && referenceP99Ms > 0 && p99 > gate.maxP99Ratio * referenceP99Ms) {
    return {
      status: 'breached',
      reason: `service p99 ${p99} ms > ${gate.maxP99Ratio} x monolith p99 ${referenceP99Ms} ms ${over}`,
      figures,
    };
  }
  return { status: 'green', reason: null, figures };
}

const fixed = (rate: number): string => rate.toFixed(3);

interface GateRow {
  context: string;
  window_s: number;
  min_requests: number;
  max_error_rate: number;
  max_p99_ms: number | null;
  max_p99_ratio: number | null;
  dry_run: boolean;
}

interface StateRow {
  status: GateStatus;
  reason: string | null;
  at: Date | null;
  figures: GateFigures | null;
  judged_at: Date | null;
  baseline_p99_ms: number | null;
}

const WAITING: GateState = { status: 'waiting', reason: null, at: null, figures: null, judgedAt: null };

/** Gates per context and the decider's last conclusion on each, in the `strangler` schema; changes are announced. */
export class GateStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: ControlChannel,
  ) {}

  async get(context: string): Promise<Gate | undefined> {
    const [row]: GateRow[] = await this.dataSource.query('SELECT * FROM strangler.gates WHERE context = $1', [context]);
    return row ? toGate(row) : undefined;
  }

  async all(): Promise<Map<string, Gate>> {
    const rows: GateRow[] = await this.dataSource.query('SELECT * FROM strangler.gates');
    return new Map(rows.map((row) => [row.context, toGate(row)]));
  }

  async set(context: string, gate: Gate, by: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO strangler.gates
           (context, window_s, min_requests, max_error_rate, max_p99_ms, max_p99_ratio, dry_run, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8)
         ON CONFLICT (context) DO UPDATE SET window_s = EXCLUDED.window_s, min_requests = EXCLUDED.min_requests,
           max_error_rate = EXCLUDED.max_error_rate, max_p99_ms = EXCLUDED.max_p99_ms, max_p99_ratio = EXCLUDED.max_p99_ratio,
           dry_run = EXCLUDED.dry_run, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
        [context, gate.windowS, gate.minRequests, gate.maxErrorRate, gate.maxP99Ms ?? null, gate.maxP99Ratio ?? null, gate.dryRun, by],
      );
      await this.channel.announce({ kind: 'gate', context }, manager);
    });
  }

  async remove(context: string): Promise<boolean> {
    if (!(await this.get(context))) return false;
    await this.dataSource.query('DELETE FROM strangler.gates WHERE context = $1', [context]);
    await this.dataSource.query('DELETE FROM strangler.gate_state WHERE context = $1', [context]);
    await this.channel.announce({ kind: 'gate', context });
    return true;
  }

  async state(context: string): Promise<GateState & { baselineP99Ms: number | null }> {
    const [row]: StateRow[] = await this.dataSource.query('SELECT * FROM strangler.gate_state WHERE context = $1', [context]);
    if (!row) return { ...WAITING, baselineP99Ms: null };
    return {
      status: row.status,
      reason: row.reason,
      at: row.at ? new Date(row.at).toISOString() : null,
      figures: row.figures,
      judgedAt: row.judged_at ? new Date(row.judged_at).toISOString() : null,
      baselineP99Ms: row.baseline_p99_ms === null ? null : Number(row.baseline_p99_ms),
    };
  }

  /** Records a judgement: its figures always, the status's `at` only when the status changes. */
  async saveState(context: string, state: { status: GateStatus; reason: string | null; figures: GateFigures | null }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO strangler.gate_state (context, status, reason, at, figures, judged_at) VALUES ($1, $2, $3, now(), $4, now())
       ON CONFLICT (context) DO UPDATE
         SET status = EXCLUDED.status, reason = EXCLUDED.reason, figures = EXCLUDED.figures, judged_at = EXCLUDED.judged_at,
             at = CASE WHEN gate_state.status = EXCLUDED.status THEN gate_state.at ELSE EXCLUDED.at END`,
      [context, state.status, state.reason, state.figures ? JSON.stringify(state.figures) : null],
    );
  }

  /** The monolith's p99 while it still had traffic: what the service is compared with once the monolith has none. */
  async saveBaseline(context: string, p99Ms: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO strangler.gate_state (context, status, baseline_p99_ms) VALUES ($1, 'waiting', $2)
       ON CONFLICT (context) DO UPDATE SET baseline_p99_ms = EXCLUDED.baseline_p99_ms`,
      [context, p99Ms],
    );
  }
}

function toGate(row: GateRow): Gate {
  return {
    windowS: row.window_s,
    minRequests: row.min_requests,
    maxErrorRate: Number(row.max_error_rate),
    ...(row.max_p99_ms === null ? {} : { maxP99Ms: row.max_p99_ms }),
    ...(row.max_p99_ratio === null ? {} : { maxP99Ratio: Number(row.max_p99_ratio) }),
    dryRun: row.dry_run,
  };
}
