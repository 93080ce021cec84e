import { ProblemException, type HostedContexts } from '@shop/platform';
import type { RemoteServices } from '../remote/remote-services.js';
import { defaultPercent, type Route, type RouteTable } from '../routing/route-table.js';
import type { SettableMode, StrangleableContext, StrangleableContexts, StranglerMode } from '../routing/strangleable-context.js';
import { isActive, stepIndex, type Handoff, type HandoffDirection, type HandoffStep, type HandoffStore } from './handoffs.js';
import type { AdvisoryLocks } from './advisory-locks.js';
import type { Instance, InstanceRegistry } from './instances.js';

/** Who the audit names for what the strangler does by itself. */
export const AUTOMATIC = 'strangler';

const conflict = (slug: string, detail: string) => ProblemException.of(409, slug, detail);

/**
 * The rules of moving a context, whoever asks (admin API, CLI, console): which mode changes are
 * allowed now and why not, and how a handoff starts, resumes, aborts and is cleaned up after. Every
 * refusal says why and what to do instead.
 */
export class MigrationControl {
  constructor(
    private readonly contexts: StrangleableContexts,
    private readonly routes: RouteTable,
    private readonly remotes: RemoteServices,
    private readonly handoffs: HandoffStore,
    private readonly instances: InstanceRegistry,
    private readonly hosted: HostedContexts,
    private readonly locks: AdvisoryLocks,
  ) {}

  descriptor(context: string): StrangleableContext {
    const descriptor = this.contexts.get(context);
    if (!descriptor) throw ProblemException.of(404, 'not-found', `No strangleable context named ${context}.`);
    return descriptor;
  }

  /** Changes a context's route if its rules allow it now; the audit row says `route` unless another action is named. */
  async changeRoute(
    context: string,
    mode: StranglerMode,
    percent: number,
    by: string,
    audit: { action: string; details?: Record<string, unknown> } = { action: 'route' },
  ): Promise<Route> {
    const descriptor = this.descriptor(context);
    const route = this.routes.get(context);
    const handoff = await this.handoffs.get(context);
    if (isActive(handoff)) {
      throw conflict(
        'handoff-in-progress',
        `A handoff of ${context} is ${handoff!.status} (step ${handoff!.step}); finish or abort it first.`,
      );
    }
    if (mode === 'retired') {
      throw conflict('retired-by-handoff', `A context becomes retired by handing its data off: npm run strangler -- handoff ${context}.`);
    }
    if (route?.mode === 'retired' || route?.dataLocation === 'own') {
      throw conflict(
        'context-retired',
        `${context}'s data was handed off to ${descriptor.service}, which alone serves it; no other mode can serve it now. ` +
          `Hand it back first: npm run strangler -- handoff ${context} --back.`,
      );
    }
    if (mode !== 'monolith') await this.assertServiceCanServe(context, descriptor.service);
    if (mode !== 'service') await this.assertMonolithsHost(context);
    return this.routes.update(context, { mode, percent }, { ...audit, by });
  }

  /**
   * A breached gate sends the context back to the monolith at once, with the reason and the window's
   * figures in the audit row. Refused (the caller raises an alert instead) when the monolith cannot
   * serve it: retired, handing off, or not hosted by every monolith instance.
   */
  async rollBack(context: string, reason: string, figures: unknown): Promise<Route> {
    const route = this.routes.get(context);
    if (route?.mode === 'retired' || route?.dataLocation === 'own') {
      throw conflict('context-retired', `${context} is retired; the monolith cannot serve it.`);
    }
    if (isActive(await this.handoffs.get(context))) throw conflict('handoff-in-progress', `A handoff of ${context} is under way.`);
    await this.assertMonolithsHost(context);
    return this.routes.update(
      context,
      { mode: 'monolith', percent: 0 },
      { action: 'gate.rollback', by: AUTOMATIC, details: { reason, figures } },
    );
  }

  /** Starts handing a context's data to its service (`out`) or back (`back`). */
  async startHandoff(context: string, direction: HandoffDirection, until: HandoffStep | undefined, by: string): Promise<Handoff> {
    const descriptor = this.descriptor(context);
    const route = this.routes.get(context);
    if (direction === 'out' && route?.mode !== 'service') {
      throw conflict(
        'handoff-needs-service-mode',
        `${context} is in ${route?.mode ?? 'no'} mode; a handoff starts from service mode, with ${descriptor.service} serving it.`,
      );
    }
    if (direction === 'back' && route?.mode !== 'retired') {
      throw conflict('not-retired', `${context} is not retired (it is in ${route?.mode ?? 'no'} mode): there is nothing to hand back.`);
    }
    await this.assertServiceCanServe(context, descriptor.service);
    const services = (await this.instances.alive()).filter((instance) => instance.report.contexts[context]?.serves);
    const without = services.filter((instance) => !instance.report.contexts[context]?.ownDatabase);
    if (without.length > 0) {
      throw conflict(
        'own-database-not-configured',
        `${without.map((instance) => instance.id).join(', ')} has no ${context.toUpperCase()}_OWN_DATABASE_URL; ` +
          `every ${descriptor.service} instance needs it to follow the data.`,
      );
    }
    const { started, handoff } = await this.handoffs.begin(context, direction, by, until);
    if (!started) throw conflict('handoff-in-progress', `A handoff of ${context} is already ${handoff.status} (step ${handoff.step}).`);
    await this.routes.audit(context, { action: 'handoff.requested', by, details: { direction, ...(until ? { until } : {}) } });
    return handoff;
  }

  /** The handoff as it stands, a running one whose driver is gone shown as interrupted. */
  async handoff(context: string): Promise<Handoff> {
    this.descriptor(context);
    const handoff = await this.handoffs.get(context);
    if (!handoff) throw ProblemException.of(404, 'no-handoff', `${context} has never been handed off.`);
    if (handoff.status === 'running' && handoff.driver && !(await this.driving(context))) {
      await this.handoffs.update(context, { status: 'interrupted', driver: null, error: `driver ${handoff.driver} stopped` });
      return (await this.handoffs.get(context))!;
    }
    return handoff;
  }

  /** Goes on with a held or interrupted handoff (a live instance of the service picks it up). */
  async resume(context: string, by: string): Promise<Handoff> {
    const handoff = await this.handoff(context);
    if (handoff.status !== 'held' && handoff.status !== 'interrupted') {
      throw conflict('handoff-not-resumable', `The handoff of ${context} is ${handoff.status}; only a held or interrupted one resumes.`);
    }
    await this.handoffs.update(context, { status: 'running', until: null, error: null }, ['held', 'interrupted']);
    await this.routes.audit(context, { action: 'handoff.resumed', by, details: { step: handoff.step } });
    return (await this.handoffs.get(context))!;
  }

  /** Gives up a held or interrupted handoff before its switch: writes accepted again, the data where it was. */
  async abort(context: string, by: string): Promise<Handoff> {
    const handoff = await this.handoff(context);
    if (handoff.status !== 'held' && handoff.status !== 'interrupted') {
      throw conflict(
        'handoff-not-abortable',
        `The handoff of ${context} is ${handoff.status}; only a held or interrupted one can be aborted.`,
      );
    }
    if (stepIndex(handoff.step) >= stepIndex('switched')) {
      throw conflict('handoff-past-switch', `The handoff of ${context} has switched the data already; resume it to finish.`);
    }
    if (!(await this.handoffs.update(context, { status: 'aborted', driver: null, unfrozenAt: new Date() }, ['held', 'interrupted']))) {
      throw conflict('handoff-changed', `The handoff of ${context} changed meanwhile; look again.`);
    }
    if (this.routes.get(context)?.frozenSince) {
      await this.routes.update(context, { frozen: false }, { action: 'handoff.aborted', by, details: { step: handoff.step } });
    } else {
      await this.routes.audit(context, { action: 'handoff.aborted', by, details: { step: handoff.step } });
    }
    return (await this.handoffs.get(context))!;
  }

  /** Whether a driver holds the handoff's lock now: a killed driver's session, and its lock, end with it. */
  private async driving(context: string): Promise<boolean> {
    return !(await this.locks.tryOnce(`strangler.handoff.${context}`));
  }

  private async assertServiceCanServe(context: string, service: string): Promise<void> {
    const remote = this.remotes.for(context);
    if (!remote) throw conflict('broker-not-configured', `Serving ${context} from ${service} needs a message broker; AMQP_URL is not set.`);
    if (!(await remote.isLive()))
      throw conflict('service-not-live', `No live ${service} instance answered; start it before routing ${context} to it.`);
  }

  /** Modes that serve from the monolith need every monolith instance to host the context. */
  private async assertMonolithsHost(context: string): Promise<void> {
    const without: Instance[] = (await this.instances.alive()).filter(
      (instance) => instance.report.facade && instance.report.contexts[context] && !instance.report.contexts[context]!.hosted,
    );
    const here = this.hosted.get(context) !== undefined;
    if (without.length > 0 || !here) {
      throw conflict(
        'context-not-hosted',
        `${[...(here ? [] : ['this instance']), ...without.map((instance) => instance.id)].join(', ')} was started without ${context} ` +
          `(RETIRED_CONTEXTS); only service mode can serve it until every monolith instance hosts it again.`,
      );
    }
  }
}

/** The percent a mode change asks for, checked: only canary chooses one. */
export function percentFor(mode: SettableMode, percent: number | undefined): { percent: number } | { problem: string } {
  if (mode === 'canary') return percent === undefined ? { problem: 'percent is required for canary' } : { percent };
  if (percent !== undefined && percent !== defaultPercent(mode)) {
    return { problem: `percent is ${defaultPercent(mode)} for ${mode}; it can only be chosen for canary` };
  }
  return { percent: defaultPercent(mode) };
}
