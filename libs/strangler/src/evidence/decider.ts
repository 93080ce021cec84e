import { Logger } from '@nestjs/common';
import type { ControlChannel } from '../control/control-channel.js';
import { AUTOMATIC, type MigrationControl } from '../control/migration-control.js';
import type { Route, RouteTable } from '../routing/route-table.js';
import { judge, judgedSince, type Gate, type GateStatus, type GateStore } from './gates.js';
import type { LeaderLock } from './leader-lock.js';
import type { OutcomeStore } from './outcomes.js';
import type { PlanStore } from './plans.js';
import type { Promotion } from './promotion.js';

/** While a gate or a running plan needs watching, the leader looks at least this often. */
export const DECIDE_EVERY_MS = 1000;
/** The monolith's p99 baseline is rewritten only when it moved by more than this share. */
const BASELINE_DRIFT = 0.1;

/** Modes in which customers are served by the service, so a gate judges them. */
const JUDGED = new Set(['canary', 'service', 'retired']);

/**
 * Judges every gated context and advances every running plan, on exactly one instance: the holder
 * of the leader lock. It looks whenever outcomes were written, a route, gate or plan changed
 * (NOTIFY on the control channel), and every second while something needs watching.
 *
 * A breached gate in canary or service mode sends the context back to the monolith through
 * MigrationControl (audited as `gate.rollback`, with the reason and the window's figures); the route
 * change reaches every instance by NOTIFY. A retired context cannot go back: the gate says `alert`.
 * In dry run the gate says `would-roll-back` and nothing changes. The window never reaches back past
 * the route's last change (it starts at the first whole second after it, by the arrival of each
 * request), so what was sent before a switch is not held against the new route.
 */
export class Decider {
  private readonly logger = new Logger('Decider');
  private timer: NodeJS.Timeout | undefined;
  private stopListening: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private needed = true;

  constructor(
    private readonly leader: LeaderLock,
    private readonly channel: ControlChannel,
    private readonly routes: RouteTable,
    private readonly control: MigrationControl,
    private readonly gates: GateStore,
    private readonly plans: PlanStore,
    private readonly outcomes: OutcomeStore,
    private readonly promotion: Promotion,
  ) {}

  get leading(): boolean {
    return this.leader.isLeader;
  }

  start(): void {
    this.stopListening = this.channel.onChange((change) => {
      // Outcomes matter only while a gate or plan exists; a new gate or plan is announced as such.
      if (!change || (change.kind !== 'instance' && (change.kind !== 'outcomes' || this.needed))) this.wake();
    });
    this.timer = setInterval(() => {
      if (this.needed) this.wake();
    }, DECIDE_EVERY_MS);
    this.timer.unref();
    this.leader.start();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopListening?.();
    await this.leader.stop();
    await this.running;
  }

  /** Asks for a look; looks coalesce, one at a time. */
  wake(): void {
    if (!this.leader.isLeader) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.decide().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** One look at everything (exported for tests: what the leader does on each wake). */
  async decide(): Promise<void> {
    try {
      const gates = await this.gates.all();
      const running = new Set(await this.plans.running());
      this.needed = gates.size > 0 || running.size > 0;
      for (const context of new Set([...gates.keys(), ...running])) {
        const gate = gates.get(context);
        if (gate && (await this.judge(context, gate))) continue;
        if (running.has(context)) await this.promotion.advance(context).catch((error) => this.failed(context, error));
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'decision round failed; trying again at the next one');
    }
  }

  /** Judges a context's gate; true when it rolled the context back. */
  private async judge(context: string, gate: Gate): Promise<boolean> {
    const route = this.routes.get(context);
    if (!route) return false;
    const window = await this.outcomes.window(context, judgedSince(Date.now(), gate.windowS, Date.parse(route.updatedAt)));
    const state = await this.gates.state(context);
    await this.keepBaseline(context, gate, window.monolith.figures(), state.baselineP99Ms);
    if (!JUDGED.has(route.mode)) return false;
    const verdict = judge(gate, window, gate.windowS, state.baselineP99Ms);
    if (verdict.status !== 'breached') {
      await this.gates.saveState(context, verdict);
      return false;
    }
    const reason = verdict.reason!;
    if (gate.dryRun) return this.conclude(context, state.status, 'would-roll-back', reason, verdict.figures, route);
    if (route.mode === 'retired') return this.conclude(context, state.status, 'alert', reason, verdict.figures, route);
    const refused = await this.promotion.rollingBack(context, async () => {
      try {
        await this.control.rollBack(context, reason, verdict.figures);
      } catch (error) {
        return error as Error;
      }
      await this.gates.saveState(context, { status: 'rolled-back', reason, figures: verdict.figures });
      this.logger.warn(
        { context, reason, from: { mode: route.mode, percent: route.percent } },
        'gate breached: rolled back to the monolith',
      );
      await this.promotion.rolledBack(context, reason);
      return undefined;
    });
    if (!refused) return true;
    return this.conclude(context, state.status, 'alert', `${reason}; no rollback: ${refused.message}`, verdict.figures, route);
  }

  /**
   * A breach that changes no route: recorded at every look, audited once, when the gate enters that
   * status (the audit first, so a state that says so always has its audit row).
   */
  private async conclude(
    context: string,
    was: GateStatus,
    status: 'would-roll-back' | 'alert',
    reason: string,
    figures: unknown,
    route: Route,
  ): Promise<false> {
    if (was !== status) {
      await this.routes.audit(context, {
        action: status === 'alert' ? 'gate.alert' : 'gate.would-roll-back',
        by: AUTOMATIC,
        details: { reason, figures, route: { mode: route.mode, percent: route.percent } },
      });
      this.logger.warn({ context, reason, status }, 'gate breached');
    }
    await this.gates.saveState(context, { status, reason, figures: figures as never });
    return false;
  }

  private async keepBaseline(context: string, gate: Gate, monolith: { requests: number; p99Ms: number | null }, baseline: number | null) {
    if (monolith.requests < gate.minRequests || monolith.p99Ms === null) return;
    if (baseline !== null && Math.abs(monolith.p99Ms - baseline) <= baseline * BASELINE_DRIFT) return;
    await this.gates.saveBaseline(context, monolith.p99Ms);
  }

  private failed(context: string, error: unknown): void {
    this.logger.warn({ err: error, context }, 'plan could not advance');
  }
}
