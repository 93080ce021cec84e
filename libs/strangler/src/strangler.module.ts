import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type NestMiddleware,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
  type Type,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { NextFunction, Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import {
  AMQP_CONNECTION,
  AmqpNames,
  ConfigModule,
  Configuration,
  CONSUMERS_WAIT_FOR_CONTROL,
  CONTEXT_LOCATOR,
  DatabaseConnector,
  dataSourceToken,
  HostedContexts,
  INSTANCE_ID,
  Metrics,
  platformConfig,
  ProblemCatalog,
  RequestContext,
  RpcClient,
  RpcServer,
  TokenService,
  type AmqpConnection,
  type ContextLocator,
  type DatabaseConfig,
  type PlatformConfig,
} from '@shop/platform';
import { STRANGLER_MIGRATIONS } from './control/migrations.js';
import { AdvisoryLocks } from './control/advisory-locks.js';
import { ControlChannel } from './control/control-channel.js';
import { HandoffDriver } from './control/handoff-driver.js';
import { HandoffStore } from './control/handoffs.js';
import { InstanceRegistry } from './control/instances.js';
import { MigrationControl } from './control/migration-control.js';
import { SchemaJanitor } from './control/schema-janitor.js';
import { StranglerAdminController } from './control/strangler-admin.controller.js';
import { StranglerAgent, type ServedContexts } from './control/strangler-agent.js';
import { Decider } from './evidence/decider.js';
import { GateStore } from './evidence/gates.js';
import { LeaderLock } from './evidence/leader-lock.js';
import { OutcomeStore } from './evidence/outcomes.js';
import { PlanStore } from './evidence/plans.js';
import { Promotion } from './evidence/promotion.js';
import { shadowStoreEvidence } from './evidence/shadow-evidence.js';
import { StranglerEvidenceController } from './evidence/strangler-evidence.controller.js';
import { RemoteServices } from './remote/remote-services.js';
import { StranglerEndpoint } from './remote/strangler-endpoint.js';
import { ContextGateway, MONOLITH, SERVED_BY_HEADER } from './routing/context-gateway.js';
import { RouteTable } from './routing/route-table.js';
import { StrangleableContexts, type StrangleableContext } from './routing/strangleable-context.js';
import { ROUTE_OVERRIDE_HEADER, withRequestedRoute } from './routing/tester-override.js';
import { ShadowComparer } from './shadow/shadow-comparer.js';
import { StranglerMetrics } from './strangler-metrics.js';
import { ShadowMirror } from './shadow/shadow-mirror.js';
import { ShadowSettings } from './shadow/shadow-settings.js';
import { ShadowStore } from './shadow/shadow-store.js';
import { shadowConfig, type ShadowConfig } from './shadow/shadow.config.js';
import { bootModeConfig, ownDatabaseConfig, stranglerConfig, type StranglerConfig } from './strangler.config.js';

/** The strangler's own schema, like a context's: routes, their audit trail, instances, handoffs. */
const STRANGLER_DATA_SOURCE = dataSourceToken('strangler');
const RPC_CLIENT = Symbol('RpcClient');
const SERVED = Symbol('ServedContexts');
/** The one instance of the facade that judges gates and advances plans holds this lock. */
const DECIDER_LOCK = 'strangler.decider';
/** The latest mismatch samples kept per route. */
const SAMPLES_PER_ROUTE = 20;
/** How often each instance writes its shadow counts (a second's row is complete soon after it ends). */
const SHADOW_FLUSH_MS = 1000;

/**
 * Marks every answer of a strangled context's routes with who serves the context by default (so a
 * 401 carries it too), until the gateway says who served the request: the monolith, or the service
 * once the context is retired (the monolith serves none of it any more).
 */
export function servedByDefault(descriptor: StrangleableContext): Type<NestMiddleware> {
  @Injectable()
  class ServedByDefault implements NestMiddleware {
    constructor(@Inject(RouteTable) private readonly routes: RouteTable) {}

    use(request: Request, response: Response, next: NextFunction): void {
      const mode = this.routes.get(descriptor.context)?.mode;
      response.setHeader(SERVED_BY_HEADER, mode === 'retired' ? descriptor.service : MONOLITH);
      RequestContext.label({ mode: mode ?? 'monolith' });
      withRequestedRoute(request.headers[ROUTE_OVERRIDE_HEADER.toLowerCase()], next);
    }
  }
  return ServedByDefault;
}

/** Owns what runs for the whole life of the process: the channel, the routes' following, the agent. */
@Injectable()
class ControlLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(RouteTable) private readonly routes: RouteTable,
    @Inject(StrangleableContexts) private readonly contexts: StrangleableContexts,
    @Inject(StranglerAgent) private readonly agent: StranglerAgent,
    @Inject(HostedContexts) private readonly hosted: HostedContexts,
    @Inject(Configuration) private readonly configuration: Configuration,
    @Inject(ControlChannel) private readonly channel: ControlChannel,
    @Inject(SERVED) private readonly served: ServedContexts | undefined,
  ) {}

  /** Every context has registered by now; a facade's boot mode applies only if no route is persisted. */
  async onApplicationBootstrap(): Promise<void> {
    const facade = this.served === undefined;
    const bootModes = facade
      ? Object.fromEntries(this.contexts.all().map(({ context }) => [context, this.configuration.get(bootModeConfig(context))]))
      : {};
    await this.routes.start(bootModes);
    if (facade) this.refuseStaleCopies();
    await this.agent.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.routes.stop();
    await this.agent.stop();
    await this.channel.close();
  }

  /** A monolith still hosting a context whose data was handed off would work on a stale copy: it does not start. */
  private refuseStaleCopies(): void {
    for (const context of this.hosted.all()) {
      if (this.routes.get(context.name)?.dataLocation !== 'own') continue;
      throw new Error(
        `${context.name}'s data has been handed off to its service; this monolith still hosts it. ` +
          `Start it without the context (RETIRED_CONTEXTS=${context.name}), or hand the data back first.`,
      );
    }
  }
}

/** The facade's evidence: every instance writes its outcomes; the one leading instance decides. */
@Injectable()
class EvidenceLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(OutcomeStore) private readonly outcomes: OutcomeStore,
    @Inject(Decider) private readonly decider: Decider,
  ) {}

  onApplicationBootstrap(): void {
    this.outcomes.start();
    this.decider.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.decider.stop();
    await this.outcomes.stop();
  }
}

/** Samples, counts and settings of the facade's shadow: read before the first request, written until the last. */
@Injectable()
class ShadowLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(ShadowSettings) private readonly settings: ShadowSettings,
    @Inject(ShadowStore) private readonly store: ShadowStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.settings.start();
    this.store.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.settings.stop();
    await this.store.stop();
  }
}

@Injectable()
class ServiceLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(StranglerEndpoint) private readonly endpoint: StranglerEndpoint,
    @Inject(HandoffDriver) private readonly driver: HandoffDriver,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.endpoint.start();
    this.driver.start();
  }

  onApplicationShutdown(): void {
    this.driver.stop();
  }
}

/** What both the facade and a service run: the strangler's schema, its control channel, routes, and this instance's agent. */
function controlPlane(app: string): Provider[] {
  return [
    {
      provide: STRANGLER_DATA_SOURCE,
      inject: [DatabaseConnector],
      useFactory: (connector: DatabaseConnector) =>
        connector.open({
          schema: 'strangler',
          entities: [],
          migrations: STRANGLER_MIGRATIONS,
        }),
    },
    {
      provide: ControlChannel,
      inject: [STRANGLER_DATA_SOURCE, DatabaseConnector],
      useFactory: async (dataSource: DataSource, connector: DatabaseConnector) => {
        const channel = new ControlChannel(dataSource, (name, handler) => connector.listen(name, handler));
        await channel.start();
        return channel;
      },
    },
    {
      provide: RouteTable,
      inject: [STRANGLER_DATA_SOURCE, ControlChannel],
      useFactory: (ds: DataSource, channel: ControlChannel) => new RouteTable(ds, channel),
    },
    {
      provide: HandoffStore,
      inject: [STRANGLER_DATA_SOURCE, ControlChannel],
      useFactory: (ds: DataSource, channel: ControlChannel) => new HandoffStore(ds, channel),
    },
    {
      provide: StranglerAgent,
      inject: [
        RouteTable,
        StrangleableContexts,
        HostedContexts,
        SERVED,
        STRANGLER_DATA_SOURCE,
        ControlChannel,
        INSTANCE_ID,
        platformConfig.token,
        Configuration,
      ],
      useFactory: (
        routes: RouteTable,
        contexts: StrangleableContexts,
        hosted: HostedContexts,
        served: ServedContexts | undefined,
        dataSource: DataSource,
        channel: ControlChannel,
        instanceId: string,
        config: PlatformConfig,
        configuration: Configuration,
      ) => {
        const options = { app, facade: served === undefined, home: config.database, ownDatabaseOf: ownDatabaseOf(configuration) };
        const postgres = config.database.kind === 'postgres';
        const registry = new InstanceRegistry(dataSource, channel, `${app}-${instanceId}`, () => agent.report(), postgres);
        const agent: StranglerAgent = new StranglerAgent(options, routes, contexts, hosted, served, registry);
        return agent;
      },
    },
    { provide: CONSUMERS_WAIT_FOR_CONTROL, useValue: true },
    ControlLifecycle,
  ];
}

/** Outcomes, gates, plans and the decider: the facade's side of deciding a move from evidence. */
function evidence(): Provider[] {
  return [
    {
      provide: OutcomeStore,
      inject: [STRANGLER_DATA_SOURCE, ControlChannel, StranglerAgent],
      useFactory: (dataSource: DataSource, channel: ControlChannel, agent: StranglerAgent) =>
        new OutcomeStore(dataSource, channel, agent.registry.instanceId),
    },
    {
      provide: GateStore,
      inject: [STRANGLER_DATA_SOURCE, ControlChannel],
      useFactory: (dataSource: DataSource, channel: ControlChannel) => new GateStore(dataSource, channel),
    },
    {
      provide: PlanStore,
      inject: [STRANGLER_DATA_SOURCE, ControlChannel],
      useFactory: (dataSource: DataSource, channel: ControlChannel) => new PlanStore(dataSource, channel),
    },
    {
      provide: Promotion,
      inject: [PlanStore, GateStore, RouteTable, MigrationControl, ShadowStore, STRANGLER_DATA_SOURCE, platformConfig.token],
      useFactory: (
        plans: PlanStore,
        gates: GateStore,
        routes: RouteTable,
        control: MigrationControl,
        shadow: ShadowStore,
        dataSource: DataSource,
        config: PlatformConfig,
      ) => new Promotion(plans, gates, routes, control, shadowStoreEvidence(shadow), new AdvisoryLocks(dataSource, config.database.kind)),
    },
    {
      provide: Decider,
      inject: [platformConfig.token, ControlChannel, RouteTable, MigrationControl, GateStore, PlanStore, OutcomeStore, Promotion],
      useFactory: (
        config: PlatformConfig,
        channel: ControlChannel,
        routes: RouteTable,
        control: MigrationControl,
        gates: GateStore,
        plans: PlanStore,
        outcomes: OutcomeStore,
        promotion: Promotion,
      ) => {
        const leader = new LeaderLock(config.database, DECIDER_LOCK, (leading) => leading && decider.wake());
        const decider: Decider = new Decider(leader, channel, routes, control, gates, plans, outcomes, promotion);
        return decider;
      },
    },
    EvidenceLifecycle,
  ];
}

/** The facade's shadow: settings per context, the fleet's counts and samples, the comparer behind its bulkhead. */
function shadow(): Provider[] {
  return [
    {
      provide: ShadowSettings,
      inject: [STRANGLER_DATA_SOURCE, ControlChannel, StrangleableContexts],
      useFactory: (dataSource: DataSource, channel: ControlChannel, contexts: StrangleableContexts) =>
        new ShadowSettings(dataSource, channel, (context) => contexts.get(context)),
    },
    {
      provide: ShadowStore,
      inject: [STRANGLER_DATA_SOURCE, INSTANCE_ID, shadowConfig.token],
      useFactory: (dataSource: DataSource, instanceId: string, config: ShadowConfig) =>
        new ShadowStore(dataSource, `monolith-${instanceId}`, {
          retentionMs: config.retentionMs,
          samplesPerRoute: SAMPLES_PER_ROUTE,
          flushEveryMs: SHADOW_FLUSH_MS,
        }),
    },
    { provide: ShadowComparer, inject: [ShadowStore], useFactory: (store: ShadowStore) => new ShadowComparer(store) },
    {
      provide: ShadowMirror,
      inject: [ShadowComparer, ShadowSettings, ShadowStore, shadowConfig.token],
      useFactory: (comparer: ShadowComparer, settings: ShadowSettings, store: ShadowStore, config: ShadowConfig) =>
        new ShadowMirror(comparer, settings, store, config),
    },
    ShadowLifecycle,
  ];
}

const ownDatabaseOf =
  (configuration: Configuration) =>
  (context: string): DatabaseConfig | undefined =>
    configuration.has(ownDatabaseConfig(context)) ? configuration.get(ownDatabaseConfig(context)) : undefined;

/**
 * The strangler's machinery.
 * - `forFacade()` in the monolith: the route table, the admin API, a circuit-broken request-reply
 *   client per extracted service, and the agent that steers what the monolith hosts.
 * - `forService(...contexts)` in an extracted service: answers the facade's requests for those
 *   contexts, follows their data when it is handed off, and can drive a handoff.
 * - `forContext(descriptor)` beside a strangleable context's controllers: gives them its ContextGateway.
 */
@Global()
@Module({})
export class StranglerModule {
  static forFacade(): DynamicModule {
    return {
      module: StranglerModule,
      imports: [ConfigModule.forFeature(stranglerConfig, shadowConfig, platformConfig)],
      controllers: [StranglerAdminController, StranglerEvidenceController],
      providers: [
        StrangleableContexts,
        ...shadow(),
        { provide: SERVED, useValue: undefined },
        ...controlPlane('monolith'),
        {
          provide: RPC_CLIENT,
          inject: [AMQP_CONNECTION, AmqpNames, INSTANCE_ID],
          useFactory: async (connection: AmqpConnection | undefined, names: AmqpNames, instanceId: string) => {
            if (!connection) return undefined;
            const client = new RpcClient(connection, names, `monolith-${instanceId}`);
            await client.start();
            return client;
          },
        },
        { provide: StranglerMetrics, inject: [Metrics], useFactory: (metrics: Metrics) => new StranglerMetrics(metrics) },
        {
          provide: RemoteServices,
          inject: [StrangleableContexts, RPC_CLIENT, stranglerConfig.token, StranglerMetrics, Metrics, ShadowComparer, RouteTable],
          useFactory: (
            contexts: StrangleableContexts,
            rpc: RpcClient | undefined,
            config: StranglerConfig,
            stranglerMetrics: StranglerMetrics,
            metrics: Metrics,
            shadow: ShadowComparer,
            routes: RouteTable,
          ) => {
            const remotes = new RemoteServices(contexts, rpc, {
              timeoutMs: config.timeoutMs,
              cooldownMs: config.breakerCooldownMs,
              maxInFlight: config.maxInFlight,
              maxQueued: config.maxQueued,
              observe: (service, outcome, seconds) => stranglerMetrics.remoteCall(service, outcome, seconds),
            });
            stranglerMetrics.register(metrics, { remotes, shadow, routes });
            return remotes;
          },
        },
        {
          provide: MigrationControl,
          inject: [
            StrangleableContexts,
            RouteTable,
            RemoteServices,
            HandoffStore,
            StranglerAgent,
            HostedContexts,
            STRANGLER_DATA_SOURCE,
            platformConfig.token,
          ],
          useFactory: (
            contexts: StrangleableContexts,
            routes: RouteTable,
            remotes: RemoteServices,
            handoffs: HandoffStore,
            agent: StranglerAgent,
            hosted: HostedContexts,
            dataSource: DataSource,
            config: PlatformConfig,
          ) =>
            new MigrationControl(
              contexts,
              routes,
              remotes,
              handoffs,
              agent.registry,
              hosted,
              new AdvisoryLocks(dataSource, config.database.kind),
            ),
        },
        { provide: SchemaJanitor, inject: [STRANGLER_DATA_SOURCE], useFactory: (dataSource: DataSource) => new SchemaJanitor(dataSource) },
        ...evidence(),
      ],
      exports: [
        StrangleableContexts,
        ShadowMirror,
        ShadowStore,
        RemoteServices,
        RouteTable,
        HandoffStore,
        StranglerAgent,
        StranglerMetrics,
        OutcomeStore,
      ],
    };
  }

  static forService(...served: StrangleableContext[]): DynamicModule {
    return {
      module: StranglerModule,
      imports: [ConfigModule.forFeature(platformConfig, ...served.map(({ context }) => ownDatabaseConfig(context)))],
      providers: [
        {
          provide: StrangleableContexts,
          useFactory: () => {
            const contexts = new StrangleableContexts();
            served.forEach((descriptor) => contexts.register(descriptor));
            return contexts;
          },
        },
        {
          provide: StranglerEndpoint,
          inject: [StrangleableContexts, AMQP_CONNECTION, AmqpNames, TokenService, CommandBus, QueryBus, ProblemCatalog, RouteTable],
          useFactory: (
            contexts: StrangleableContexts,
            connection: AmqpConnection | undefined,
            names: AmqpNames,
            tokens: TokenService,
            commands: CommandBus,
            queries: QueryBus,
            problems: ProblemCatalog,
            routes: RouteTable,
          ) => {
            if (!connection) throw new Error('An extracted service is reached over RabbitMQ: set AMQP_URL.');
            return new StranglerEndpoint(contexts, new RpcServer(connection, names), tokens, commands, queries, problems, routes);
          },
        },
        { provide: SERVED, useExisting: StranglerEndpoint },
        ...controlPlane(served[0]?.service ?? 'service'),
        {
          provide: CONTEXT_LOCATOR,
          inject: [STRANGLER_DATA_SOURCE, Configuration],
          useFactory: (dataSource: DataSource, configuration: Configuration): ContextLocator => ({
            // A service starting after its context's data was handed off opens it where it lives now.
            locate: async (context) => {
              const [route]: Array<{ data_location: string }> = await dataSource.query(
                'SELECT data_location FROM strangler.routes WHERE context = $1',
                [context],
              );
              if (route?.data_location !== 'own') return undefined;
              const database = ownDatabaseOf(configuration)(context);
              if (!database)
                throw new Error(`${context}'s data lives in its own database now: set ${context.toUpperCase()}_OWN_DATABASE_URL.`);
              return { database, location: 'own' };
            },
          }),
        },
        {
          provide: HandoffDriver,
          inject: [
            HandoffStore,
            RouteTable,
            StranglerAgent,
            ControlChannel,
            HostedContexts,
            STRANGLER_DATA_SOURCE,
            platformConfig.token,
            Configuration,
          ],
          useFactory: (
            handoffs: HandoffStore,
            routes: RouteTable,
            agent: StranglerAgent,
            channel: ControlChannel,
            hosted: HostedContexts,
            dataSource: DataSource,
            config: PlatformConfig,
            configuration: Configuration,
          ) =>
            new HandoffDriver(
              { instanceId: agent.registry.instanceId, home: config.database, ownDatabaseOf: ownDatabaseOf(configuration) },
              handoffs,
              routes,
              agent.registry,
              channel,
              hosted,
              dataSource,
              new AdvisoryLocks(dataSource, config.database.kind),
              () => served.map(({ context }) => context),
            ),
        },
        ServiceLifecycle,
      ],
      exports: [CONTEXT_LOCATOR],
    };
  }

  static forContext(descriptor: StrangleableContext): DynamicModule {
    return {
      module: class StrangledContextModule {},
      imports: [ConfigModule.forFeature(bootModeConfig(descriptor.context))],
      providers: [
        {
          provide: ContextGateway,
          inject: [
            StrangleableContexts,
            CommandBus,
            QueryBus,
            RouteTable,
            RemoteServices,
            ShadowMirror,
            HostedContexts,
            { token: StranglerMetrics, optional: true },
            { token: OutcomeStore, optional: true },
          ],
          useFactory: (
            contexts: StrangleableContexts,
            commands: CommandBus,
            queries: QueryBus,
            routes: RouteTable,
            remotes: RemoteServices,
            shadow: ShadowMirror,
            hosted: HostedContexts,
            metrics: StranglerMetrics | undefined,
            outcomes: OutcomeStore | undefined,
          ) => {
            contexts.register(descriptor);
            const remote = remotes.for(descriptor.context);
            return new ContextGateway(descriptor, contexts, commands, queries, routes, remote, shadow, hosted, metrics, outcomes);
          },
        },
      ],
      exports: [ContextGateway],
    };
  }
}
