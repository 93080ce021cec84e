import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import type { DatabaseConfig, HostedContext, HostedContexts } from '@shop/platform';
import type { RouteTable } from '../routing/route-table.js';
import type { StrangleableContexts } from '../routing/strangleable-context.js';
import type { ContextReport, InstanceRegistry, InstanceReport } from './instances.js';

/** What the agent needs to know of the service side of this process (absent in the monolith). */
export interface ServedContexts {
  serves(context: string): boolean;
  commandsInFlight(context: string): number;
}

export interface AgentOptions {
  app: string;
  facade: boolean;
  /** The process database (where `home` is). */
  home: DatabaseConfig;
  /** The database of a context's own, when this process was given one. */
  ownDatabaseOf(context: string): DatabaseConfig | undefined;
}

/**
 * Every instance's executor of the strangler's state: after each change of a route it brings what
 * this process hosts in line, then reports what it did (a handoff waits for those reports).
 * - frozen: the context's consumers pause (its messages wait in RabbitMQ); its writes are refused
 *   (by the gateway and the service endpoint, which read the route themselves);
 * - data `own`: a process serving the context moves it to the context's own database; a process
 *   that only hosts it (the monolith, before it is rebuilt without it) stops its consumers and relay
 *   for good, since its copy is no longer the context's data;
 * - data `home`: the reverse.
 */
export class StranglerAgent {
  private readonly logger = new Logger('StranglerAgent');
  private readonly consumers = new Map<string, 'running' | 'paused'>();
  private readonly relays = new Map<string, 'running' | 'stopped'>();
  private running: Promise<void> = Promise.resolve();
  private pending = false;
  private stopFollowing: (() => void) | undefined;

  constructor(
    private readonly options: AgentOptions,
    private readonly routes: RouteTable,
    private readonly contexts: StrangleableContexts,
    private readonly hosted: HostedContexts,
    private readonly served: ServedContexts | undefined,
    readonly registry: InstanceRegistry,
  ) {}

  async start(): Promise<void> {
    this.stopFollowing = this.routes.follow(() => this.schedule());
    await this.reconcile();
    await this.registry.start();
  }

  async stop(): Promise<void> {
    this.stopFollowing?.();
    await this.running;
    await this.registry.stop();
  }

  /** What this instance reports about itself. */
  report(): InstanceReport {
    const contexts: Record<string, ContextReport> = {};
    for (const name of this.contextNames()) {
      const hosted = this.hosted.get(name);
      const serves = this.served?.serves(name) ?? false;
      const route = this.routes.get(name);
      const consumers = this.consumers.get(name) ?? (hosted ? 'running' : undefined);
      contexts[name] = {
        hosted: hosted !== undefined,
        serves,
        ...(hosted ? { consumers, relay: this.relays.get(name) ?? 'running', location: hosted.database.locatedAt } : {}),
        ...(serves
          ? { ownDatabase: this.options.ownDatabaseOf(name) !== undefined, commandsInFlight: this.served!.commandsInFlight(name) }
          : {}),
        frozen: Boolean(route?.frozenSince) && (!hosted || consumers === 'paused'),
      };
    }
    return { app: this.options.app, host: hostname(), pid: process.pid, facade: this.options.facade, contexts };
  }

  /** Runs a reconciliation after the one under way (changes may arrive faster than they are applied). */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    this.running = this.running.then(async () => {
      this.pending = false;
      await this.reconcile().catch((error: unknown) => this.logger.error({ err: error }, 'could not apply the strangler state'));
    });
  }

  private async reconcile(): Promise<void> {
    for (const name of this.contextNames()) {
      const route = this.routes.get(name);
      const hosted = this.hosted.get(name);
      if (!route || !hosted) continue;
      const serves = this.served?.serves(name) ?? false;
      // Only the serving side may work on the data where it is; a mere host of a handed-off context stands down.
      const dataHere = serves ? await this.follow(hosted, route.dataLocation) : route.dataLocation === 'home';
      await this.setConsumers(hosted, dataHere && !route.frozenSince ? 'running' : 'paused');
      this.setRelay(hosted, dataHere ? 'running' : 'stopped');
    }
    await this.registry.report().catch((error: unknown) => this.logger.warn({ err: error }, 'could not report'));
  }

  /** Moves the context's data access to where the route says it lives; false when this process cannot reach it. */
  private async follow(hosted: HostedContext, location: 'home' | 'own'): Promise<boolean> {
    if (hosted.database.locatedAt === location) return true;
    const database = location === 'home' ? this.options.home : this.options.ownDatabaseOf(hosted.name);
    if (!database) {
      this.logger.error({ context: hosted.name }, 'the data moved to a database of its own, which this instance was not given');
      return false;
    }
    await hosted.database.moveTo(database, location);
    return true;
  }

  private async setConsumers(hosted: HostedContext, state: 'running' | 'paused'): Promise<void> {
    if ((this.consumers.get(hosted.name) ?? 'running') === state) return;
    if (state === 'paused') await hosted.pauseConsumers();
    else await hosted.resumeConsumers();
    this.consumers.set(hosted.name, state);
    this.logger.log({ context: hosted.name, consumers: state }, 'consumers ' + state);
  }

  private setRelay(hosted: HostedContext, state: 'running' | 'stopped'): void {
    if ((this.relays.get(hosted.name) ?? 'running') === state) return;
    if (state === 'stopped') void hosted.relay.stop();
    else hosted.relay.start();
    this.relays.set(hosted.name, state);
  }

  /** The strangleable contexts this process knows. */
  contextNames(): string[] {
    return this.contexts.all().map((context) => context.context);
  }
}
