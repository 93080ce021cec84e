import { Logger } from '@nestjs/common';
import type { DatabaseConfig, HostedContexts } from '@shop/platform';
import type { DataSource } from 'typeorm';
import type { DataLocation, RouteTable } from '../routing/route-table.js';
import type { AdvisoryLocks } from './advisory-locks.js';
import type { ControlChannel } from './control-channel.js';
import { HANDOFF_STEPS, stepIndex, type Handoff, type HandoffStep, type HandoffStore, type TableFigures } from './handoffs.js';
import type { Instance, InstanceRegistry } from './instances.js';
import { copySchema, fingerprint, retireSchema, sameDatabase } from './schema-copy.js';

/** How long the driver waits for every instance to do what a step asks before giving up on the handoff. */
const ACK_TIMEOUT_MS = 15_000;
/** How often a wait looks again when no announcement woke it. */
const RECHECK_MS = 250;

class HandoffFailed extends Error {}

export interface DriverOptions {
  instanceId: string;
  home: DatabaseConfig;
  ownDatabaseOf(context: string): DatabaseConfig | undefined;
}

/**
 * Drives a context's handoff, in a process that serves the context and reaches both databases (a
 * service instance). Instances compete for an advisory lock per context, so exactly one drives;
 * each completed step is persisted before the next starts, so a crash leaves a handoff another
 * run can resume (or abort, before the switch). The steps:
 *
 *   frozen    writes refused and consumers paused on every live instance, commands under way finished
 *   drained   the context's outbox on the source has nothing left to publish
 *   prepared  the context's schema exists on the target, migrated like any other
 *   copied    every table copied, in one transaction on the target
 *   verified  per table, rows and a content hash equal on both sides (else: unfreeze, failed)
 *   switched  the route says where the data lives now; every instance serving the context works there,
 *             every instance merely hosting it stands down; the source schema is renamed, kept unused
 *   done      writes accepted and consumers running again; the route is `retired` (out) or `service` (back)
 */
export class HandoffDriver {
  private readonly logger = new Logger('HandoffDriver');
  private busy = false;
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly options: DriverOptions,
    private readonly handoffs: HandoffStore,
    private readonly routes: RouteTable,
    private readonly registry: InstanceRegistry,
    private readonly channel: ControlChannel,
    private readonly hosted: HostedContexts,
    private readonly strangler: DataSource,
    private readonly locks: AdvisoryLocks,
    private readonly contexts: () => string[],
  ) {}

  start(): void {
    this.stopListening = this.channel.onChange((change) => {
      if (!change || change.kind === 'handoff') void this.tick();
    });
    void this.tick();
  }

  stop(): void {
    this.stopListening?.();
  }

  /** Looks for a handoff to drive (or one whose driver died, to mark interrupted). */
  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const context of this.contexts()) {
        const handoff = await this.handoffs.get(context);
        if (handoff?.status === 'running') await this.claim(handoff);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'handoff driver failed');
    } finally {
      this.busy = false;
    }
  }

  /**
   * Drives the handoff when this instance gets its lock. A handoff marked running whose driver is not
   * this instance, with the lock free, lost its driver (killed mid-way): it is marked interrupted, for
   * an operator to resume or abort, never silently taken over.
   */
  private async claim(handoff: Handoff): Promise<void> {
    const lock = await this.locks.take(`strangler.handoff.${handoff.context}`);
    if (!lock) return; // another instance drives it
    try {
      const current = await this.handoffs.get(handoff.context);
      if (current?.status !== 'running') return;
      if (current.driver && current.driver !== this.options.instanceId) {
        await this.handoffs.update(current.context, { status: 'interrupted', driver: null, error: `driver ${current.driver} stopped` });
        await this.audit(current, 'handoff.interrupted', { step: current.step });
        return;
      }
      await this.drive(current);
    } finally {
      await lock.release();
    }
  }

  private async drive(handoff: Handoff): Promise<void> {
    const { context } = handoff;
    await this.handoffs.update(context, { driver: this.options.instanceId });
    let current = handoff;
    try {
      while (current.step !== 'done') {
        if (current.until && stepIndex(current.step) >= stepIndex(current.until)) {
          await this.handoffs.update(context, { status: 'held', driver: null });
          await this.audit(current, 'handoff.held', {});
          return;
        }
        current = await this.next(current);
      }
    } catch (error) {
      await this.fail(current, error);
      await this.closeSides(context).catch(() => undefined);
    }
  }

  /** Runs the step after `handoff.step`, persists it, and answers the handoff as it now stands. */
  private async next(handoff: Handoff): Promise<Handoff> {
    const following = nextStep(handoff.step);
    const started = Date.now();
    const result = await this.run(following, handoff);
    const figures = { ...handoff.figures, ...result.figures, steps: { ...handoff.figures.steps, [following]: new Date().toISOString() } };
    if (!(await this.handoffs.update(handoff.context, { step: following, figures, ...result.changes }))) {
      throw new HandoffFailed(`the handoff was changed by someone else during ${following}`);
    }
    await this.audit(handoff, `handoff.${following}`, { ms: Date.now() - started, ...result.figures });
    this.logger.log(
      { context: handoff.context, direction: handoff.direction, step: following, ms: Date.now() - started },
      'handoff step done',
    );
    return (await this.handoffs.get(handoff.context))!;
  }

  private async run(
    step: HandoffStep,
    handoff: Handoff,
  ): Promise<{ figures?: Partial<Handoff['figures']>; changes?: { frozenAt?: Date; unfrozenAt?: Date; status?: 'done'; driver?: null } }> {
    const { context } = handoff;
    switch (step) {
      case 'requested':
        return {};
      case 'frozen': {
        const frozenAt = new Date();
        await this.routes.update(context, { frozen: true }, { action: 'handoff.freeze', by: this.options.instanceId });
        await this.waitForInstances(context, 'to apply the freeze and finish the commands under way', (instance) => {
          const report = instance.report.contexts[context];
          return !report || (report.frozen && (report.commandsInFlight ?? 0) === 0);
        });
        return { changes: { frozenAt } };
      }
      case 'drained': {
        const { source } = await this.sides(handoff);
        await this.waitUntil('the outbox drained', async () => (await this.pendingOutbox(source, context)) === 0);
        return {};
      }
      case 'prepared': {
        const { source, target } = await this.sides(handoff);
        if (await sameDatabase(source, target)) throw new HandoffFailed('the source and the target are the same database');
        return {};
      }
      case 'copied': {
        const { source, target } = await this.sides(handoff);
        const copyStarted = Date.now();
        await copySchema(source, target, context);
        return { figures: { copyMs: Date.now() - copyStarted } };
      }
      case 'verified': {
        const sides = await this.sides(handoff);
        const [source, target] = await Promise.all([fingerprint(sides.source, context), fingerprint(sides.target, context)]);
        const tables: Record<string, TableFigures> = {};
        const differing: string[] = [];
        for (const [table, figures] of Object.entries(source)) {
          const copy = target[table];
          tables[table] = { sourceRows: figures.rows, sourceHash: figures.hash, targetRows: copy?.rows, targetHash: copy?.hash };
          if (!copy || copy.rows !== figures.rows || copy.hash !== figures.hash) differing.push(table);
        }
        if (differing.length > 0) {
          throw new HandoffFailed(`the copy differs from the source in ${differing.join(', ')}`, { cause: tables });
        }
        return { figures: { tables } };
      }
      case 'switched': {
        const to: DataLocation = handoff.direction === 'out' ? 'own' : 'home';
        await this.routes.update(context, { dataLocation: to }, { action: 'handoff.switch', by: this.options.instanceId, details: { to } });
        await this.waitForInstances(context, `to work where the data is (${to})`, (instance) => {
          const report = instance.report.contexts[context];
          if (!report?.hosted) return true;
          return report.serves ? report.location === to : to === 'home' || (report.consumers === 'paused' && report.relay === 'stopped');
        });
        const retiredCopy = await retireSchema((await this.sides(handoff)).source, context, new Date());
        return { figures: { retiredCopy } };
      }
      case 'done': {
        const unfrozenAt = new Date();
        const mode = handoff.direction === 'out' ? 'retired' : 'service';
        await this.routes.update(context, { frozen: false, mode }, { action: 'handoff.unfreeze', by: this.options.instanceId });
        const freezeMs = handoff.frozenAt ? unfrozenAt.getTime() - Date.parse(handoff.frozenAt) : undefined;
        await this.closeSides(context);
        return { figures: { freezeMs }, changes: { unfrozenAt, status: 'done', driver: null } };
      }
    }
  }

  /**
   * A handoff that failed before its switch leaves everything as it was: writes accepted, consumers
   * running, data where it was. After the switch, it stays frozen for an operator (resume finishes it).
   */
  private async fail(handoff: Handoff, error: unknown): Promise<void> {
    const message = (error as Error).message;
    this.logger.error({ err: error, context: handoff.context, step: handoff.step }, 'handoff failed');
    const switched = stepIndex(handoff.step) >= stepIndex('switched');
    if (!switched) {
      await this.routes.update(
        handoff.context,
        { frozen: false },
        { action: 'handoff.unfreeze', by: this.options.instanceId, details: { after: 'failure' } },
      );
    }
    await this.handoffs.update(handoff.context, {
      status: switched ? 'interrupted' : 'failed',
      driver: null,
      error: message,
      ...(switched ? {} : { unfrozenAt: new Date() }),
      figures: {
        ...handoff.figures,
        ...((error as Error).cause ? { tables: (error as Error).cause as Record<string, TableFigures> } : {}),
      },
    });
    await this.audit(handoff, switched ? 'handoff.interrupted' : 'handoff.failed', { error: message });
  }

  /**
   * The two databases of a handoff, reached for raw SQL (tables are named with their schema): the
   * shared one through the strangler's own DataSource, the context's own through a DataSource of the
   * context opened there (migrated, so an empty target gets its tables).
   */
  private async sides(handoff: Handoff): Promise<{ source: DataSource; target: DataSource }> {
    const own = this.options.ownDatabaseOf(handoff.context);
    if (!own) throw new HandoffFailed(`this instance has no database of ${handoff.context}'s own`);
    const context = this.database(handoff.context);
    const key = (where: string) => `${handoff.context}:${where}`;
    const open = async (where: string, database: DatabaseConfig) => {
      const cached = this.opened.get(key(where));
      if (cached?.isInitialized) return cached;
      const opened = await context.prepare(database);
      this.opened.set(key(where), opened);
      return opened;
    };
    const ownSide = await open('own', own);
    // Going back, the shared database's copy is made anew: the context's migrations create its schema there.
    const homeSide = handoff.direction === 'back' ? await open('home', this.options.home) : this.strangler;
    return handoff.direction === 'out' ? { source: homeSide, target: ownSide } : { source: ownSide, target: homeSide };
  }

  private readonly opened = new Map<string, DataSource>();

  /** Closes what `sides` opened for a finished handoff. */
  private async closeSides(context: string): Promise<void> {
    for (const [key, dataSource] of this.opened) {
      if (!key.startsWith(`${context}:`)) continue;
      this.opened.delete(key);
      await this.database(context).discard(dataSource);
    }
  }

  private database(context: string) {
    const hosted = this.hosted.get(context);
    if (!hosted) throw new HandoffFailed(`${context} is not hosted by this instance`);
    return hosted.database;
  }

  private async pendingOutbox(dataSource: DataSource, context: string): Promise<number> {
    const [row]: Array<{ n: number }> = await dataSource.query(
      `SELECT count(*)::int AS n FROM "${context}".outbox WHERE published_at IS NULL AND dead_at IS NULL`,
    );
    return row!.n;
  }

  private async waitForInstances(context: string, what: string, done: (instance: Instance) => boolean): Promise<void> {
    await this.waitUntil(`every instance ${what} (${context})`, async () => (await this.registry.alive()).every(done));
  }

  private async waitUntil(what: string, condition: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + ACK_TIMEOUT_MS;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new HandoffFailed(`gave up waiting for ${what} after ${ACK_TIMEOUT_MS} ms`);
      await new Promise<void>((resolve) => {
        const stop = this.channel.onChange(() => {
          stop();
          clearTimeout(timer);
          resolve();
        });
        const timer = setTimeout(() => {
          stop();
          resolve();
        }, RECHECK_MS);
      });
    }
  }

  private async audit(handoff: Handoff, action: string, details: Record<string, unknown>): Promise<void> {
    await this.routes.audit(handoff.context, {
      action,
      by: this.options.instanceId,
      details: { direction: handoff.direction, ...details },
    });
  }
}

function nextStep(step: HandoffStep): HandoffStep {
  return HANDOFF_STEPS[stepIndex(step) + 1]!;
}
