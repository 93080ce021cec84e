import { ProblemException } from '@shop/platform';
import { LockBusyError, type AdvisoryLocks } from '../control/advisory-locks.js';
import { AUTOMATIC, type MigrationControl } from '../control/migration-control.js';
import { defaultPercent, type RouteTable } from '../routing/route-table.js';
import { firstWholeSecond, type GateStore } from './gates.js';
import { onStep, stepProgress, type Plan, type PlanState, type PlanStore, type ShadowEvidence, type StepProgress } from './plans.js';

const conflict = (slug: string, detail: string) => ProblemException.of(409, slug, detail);

/** The advisory lock every change to a context's plan holds, on whichever instance it runs. */
const planLock = (context: string): string => `strangler.plan.${context}`;

/** The `Plan` answer of the HTTP contract: the plan, where it stands, and what its step waits for. */
export interface PlanView {
  plan: Plan | null;
  status: PlanState['status'];
  stepIndex: number;
  stepStartedAt: string | null;
  progress: StepProgress | null;
}

/**
 * Stepped promotion of a context: start a plan, and it advances by itself (the decider calls
 * `advance`) while each step holds its route long enough with its gate green; pause, resume, abort
 * (back to the monolith at once) and promote (the next step now, or `full`: the last). Every move is
 * audited; route changes go through MigrationControl, so they obey the same rules as a person's.
 *
 * Every change to a plan (a command on any instance, the decider's advance and its rollback) reads,
 * decides and writes holding the context's plan lock: an abort cannot land between the decider's
 * reading a step as done and its entering the next, and come out as a plan running on canary.
 */
export class Promotion {
  constructor(
    private readonly plans: PlanStore,
    private readonly gates: GateStore,
    private readonly routes: RouteTable,
    private readonly control: MigrationControl,
    private readonly shadow: ShadowEvidence,
    private readonly locks: AdvisoryLocks,
  ) {}

  async view(context: string): Promise<PlanView> {
    this.control.descriptor(context);
    const state = await this.plans.get(context);
    const step = state.plan?.steps[state.stepIndex];
    const progress = step && state.status === 'running' ? await this.progress(context, state) : null;
    return { plan: state.plan, status: state.status, stepIndex: state.stepIndex, stepStartedAt: state.stepStartedAt, progress };
  }

  async start(context: string, plan: Plan, by: string): Promise<PlanView> {
    this.control.descriptor(context);
    await this.serialized(context, async () => {
      const current = await this.plans.get(context);
      if (current.status === 'running' || current.status === 'paused') {
        throw conflict('plan-in-progress', `A plan for ${context} is ${current.status}; abort it first.`);
      }
      if (plan.steps.some((step) => step.mode !== 'shadow') && !(await this.gates.get(context))) {
        throw conflict(
          'gate-required',
          `A plan moves customers to the service only behind a gate: npm run strangler -- gate ${context} set.`,
        );
      }
      await this.enter(context, plan, 0, by, 'plan.start');
    });
    return this.view(context);
  }

  /** Sets a plan without starting it. */
  async define(context: string, plan: Plan, by: string): Promise<PlanView> {
    this.control.descriptor(context);
    await this.serialized(context, async () => {
      const current = await this.plans.get(context);
      if (current.status === 'running' || current.status === 'paused') {
        throw conflict('plan-in-progress', `A plan for ${context} is ${current.status}; abort it first.`);
      }
      await this.plans.save(context, { plan, status: 'idle', stepIndex: 0, stepStartedAt: null }, by);
      await this.routes.audit(context, { action: 'plan.set', by, details: { steps: plan.steps } });
    });
    return this.view(context);
  }

  async pause(context: string, by: string): Promise<PlanView> {
    await this.serialized(context, async () => {
      const state = await this.expect(context, ['running'], 'paused');
      await this.plans.save(context, { ...state, plan: state.plan!, status: 'paused' }, by);
      await this.routes.audit(context, { action: 'plan.pause', by, details: { step: state.stepIndex } });
    });
    return this.view(context);
  }

  /** Goes on from the step it was paused at; the step's hold starts again. */
  async resume(context: string, by: string): Promise<PlanView> {
    await this.serialized(context, async () => {
      const state = await this.expect(context, ['paused'], 'resumed');
      await this.enter(context, state.plan!, state.stepIndex, by, 'plan.resume');
    });
    return this.view(context);
  }

  /**
   * Sends the context back to the monolith at once, then stops the plan: the route first, so that a
   * refused change (a handoff under way, say) leaves the plan as it was instead of calling it aborted
   * while customers stay on the service.
   */
  async abort(context: string, by: string): Promise<PlanView> {
    await this.serialized(context, async () => {
      const state = await this.expect(context, ['running', 'paused'], 'aborted');
      const details = { step: state.stepIndex };
      if (this.routes.get(context)?.mode === 'monolith') await this.routes.audit(context, { action: 'plan.abort', by, details });
      else await this.control.changeRoute(context, 'monolith', 0, by, { action: 'plan.abort', details });
      await this.plans.save(context, { ...state, plan: state.plan!, status: 'aborted' }, by);
    });
    return this.view(context);
  }

  /** The next step now, or (`full`) the last one, skipping what is left. */
  async promote(context: string, full: boolean, by: string): Promise<PlanView> {
    await this.serialized(context, async () => {
      const state = await this.expect(context, ['running', 'paused'], 'promoted');
      const last = state.plan!.steps.length - 1;
      await this.enter(context, state.plan!, full ? last : Math.min(state.stepIndex + 1, last), by, 'plan.promote', full);
    });
    return this.view(context);
  }

  /** Called by the decider: moves a running plan on when its step is done, or marks it done after the last. */
  async advance(context: string): Promise<void> {
    await this.serialized(context, () => this.advanceHeld(context));
  }

  /**
   * Runs the decider's rollback of a context (`work`) holding its plan lock, so that no command lands
   * between the route going back and the plan stopping (a resume there would put customers back on the
   * service under a plan that says rolled back). A rollback does not wait on a person: if a command
   * holds the lock past the wait, it goes ahead without it.
   */
  async rollingBack<T>(context: string, work: () => Promise<T>): Promise<T> {
    return this.locks.exclusive(planLock(context), work, { anyway: true });
  }

  private async advanceHeld(context: string): Promise<void> {
    const state = await this.plans.get(context);
    const step = state.plan?.steps[state.stepIndex];
    if (state.status !== 'running' || !step) return;
    const route = this.routes.get(context);
    if (!onStep(step, route)) {
      // The step's own change may not have reached this instance yet; a change made after the step began was someone else's.
      if (!route || !state.stepStartedAt || Date.parse(route.updatedAt) < Date.parse(state.stepStartedAt)) return;
      await this.plans.save(context, { ...state, plan: state.plan!, status: 'paused' }, AUTOMATIC);
      const reason = 'the route was changed by other means than the plan';
      await this.routes.audit(context, { action: 'plan.pause', by: AUTOMATIC, details: { step: state.stepIndex, reason } });
      return;
    }
    const progress = await this.progress(context, state);
    if (progress.waitingFor.length > 0) return;
    if (state.stepIndex === state.plan!.steps.length - 1) {
      // The audit first, as everywhere here: a state that says so always has its audit row.
      await this.routes.audit(context, { action: 'plan.done', by: AUTOMATIC, details: { step: state.stepIndex, progress } });
      await this.plans.save(context, { ...state, plan: state.plan!, status: 'done' }, AUTOMATIC);
      return;
    }
    await this.enter(context, state.plan!, state.stepIndex + 1, AUTOMATIC, 'plan.step', false, progress);
  }

  /** A gate rolled the context back: its plan, if any, stops there. Called within `rollingBack`. */
  async rolledBack(context: string, reason: string): Promise<void> {
    const state = await this.plans.get(context);
    if (state.status !== 'running' && state.status !== 'paused') return;
    await this.routes.audit(context, { action: 'plan.rolled-back', by: AUTOMATIC, details: { step: state.stepIndex, reason } });
    await this.plans.save(context, { ...state, plan: state.plan!, status: 'rolled-back' }, AUTOMATIC);
  }

  private async progress(context: string, state: PlanState): Promise<StepProgress> {
    const step = state.plan!.steps[state.stepIndex]!;
    const heldS = state.stepStartedAt ? (Date.now() - Date.parse(state.stepStartedAt)) / 1000 : 0;
    const gate = (await this.gates.get(context)) ? (await this.gates.state(context)).status : 'none';
    if (step.mode !== 'shadow' || !state.stepStartedAt) return stepProgress(step, { heldS, gate });
    return stepProgress(step, {
      heldS,
      gate,
      shadow: await this.shadow.totals(context, firstWholeSecond(Date.parse(state.stepStartedAt))),
    });
  }

  /** Puts the context on a step's route (if it is not there) and starts the step's clock, with one audit row. */
  private async enter(
    context: string,
    plan: Plan,
    index: number,
    by: string,
    action: string,
    full = false,
    previous?: StepProgress,
  ): Promise<void> {
    const step = plan.steps[index]!;
    const status = action === 'plan.promote' && full ? 'done' : 'running';
    await this.plans.save(context, { plan, status, stepIndex: index, stepStartedAt: new Date().toISOString() }, by);
    const details = { step: index, ...step, ...(full ? { full } : {}), ...(previous ? { previous } : {}) };
    if (onStep(step, this.routes.get(context))) {
      await this.routes.audit(context, { action, by, details });
      return;
    }
    try {
      await this.control.changeRoute(context, step.mode, step.percent ?? defaultPercent(step.mode), by, { action, details });
    } catch (error) {
      // The route could not be changed (no live service, say): the plan waits, paused, for a person.
      const reason = (error as Error).message;
      await this.routes.audit(context, { action: 'plan.pause', by, details: { step: index, reason } });
      await this.plans.save(context, { plan, status: 'paused', stepIndex: index, stepStartedAt: null }, by);
      throw error;
    }
  }

  /** Runs a change to the context's plan holding its lock; a lock held too long elsewhere is a 409 to try again. */
  private async serialized<T>(context: string, work: () => Promise<T>): Promise<T> {
    try {
      return await this.locks.exclusive(planLock(context), work);
    } catch (error) {
      if (error instanceof LockBusyError) throw conflict('plan-busy', `Another change to ${context}'s plan is under way; try again.`);
      throw error;
    }
  }

  private async expect(context: string, statuses: PlanState['status'][], verb: string): Promise<PlanState> {
    this.control.descriptor(context);
    const state = await this.plans.get(context);
    if (!statuses.includes(state.status)) {
      throw conflict(
        'plan-not-' + statuses[0],
        `The plan for ${context} is ${state.status}; only a ${statuses.join(' or ')} plan can be ${verb}.`,
      );
    }
    return state;
  }
}
