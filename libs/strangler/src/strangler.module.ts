import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { NextFunction, Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import {
  AMQP_CONNECTION,
  AmqpNames,
  ConfigModule,
  Configuration,
  DatabaseConnector,
  dataSourceToken,
  INSTANCE_ID,
  ProblemCatalog,
  RpcClient,
  RpcServer,
  TokenService,
  type AmqpConnection,
} from '@shop/platform';
import { StranglerAdminController } from './control/strangler-admin.controller.js';
import { CreateStranglerTables1763700000900 } from './control/1763700000900-create-strangler-tables.migration.js';
import { RemoteServices } from './remote/remote-services.js';
import { StranglerEndpoint } from './remote/strangler-endpoint.js';
import { ContextGateway, MONOLITH, SERVED_BY_HEADER } from './routing/context-gateway.js';
import { RouteTable } from './routing/route-table.js';
import { StrangleableContexts, type StrangleableContext } from './routing/strangleable-context.js';
import { ShadowComparer } from './shadow/shadow-comparer.js';
import { bootModeConfig, stranglerConfig, type StranglerConfig } from './strangler.config.js';

/** The strangler's own schema, like a context's: `strangler.routes` and its audit trail. */
const STRANGLER_DATA_SOURCE = dataSourceToken('strangler');
const RPC_CLIENT = Symbol('RpcClient');

/** Marks a strangled route's answer as the monolith's until the gateway says otherwise (so 401s carry it too). */
export function servedByMonolith(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader(SERVED_BY_HEADER, MONOLITH);
  next();
}

@Injectable()
class FacadeLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(RouteTable) private readonly routes: RouteTable,
    @Inject(StrangleableContexts) private readonly contexts: StrangleableContexts,
    @Inject(Configuration) private readonly configuration: Configuration,
  ) {}

  /** Every context has registered by now; its boot mode applies only if no route is persisted. */
  async onApplicationBootstrap(): Promise<void> {
    const bootModes = Object.fromEntries(
      this.contexts.all().map(({ context }) => [context, this.configuration.get(bootModeConfig(context))]),
    );
    await this.routes.start(bootModes);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.routes.stop();
  }
}

@Injectable()
class EndpointLifecycle implements OnApplicationBootstrap {
  constructor(@Inject(StranglerEndpoint) private readonly endpoint: StranglerEndpoint) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.endpoint.start();
  }
}

/**
 * The strangler's machinery.
 * - `forFacade()` in the monolith: the persisted route table, the admin API, and a circuit-broken
 *   request-reply client per extracted service.
 * - `forService(...contexts)` in an extracted service: answers the facade's requests for those contexts.
 * - `forContext(descriptor)` beside a strangleable context's controllers: gives them its ContextGateway.
 */
@Global()
@Module({})
export class StranglerModule {
  static forFacade(): DynamicModule {
    return {
      module: StranglerModule,
      imports: [ConfigModule.forFeature(stranglerConfig)],
      controllers: [StranglerAdminController],
      providers: [
        StrangleableContexts,
        ShadowComparer,
        {
          provide: STRANGLER_DATA_SOURCE,
          inject: [DatabaseConnector],
          useFactory: (connector: DatabaseConnector) =>
            connector.open({ schema: 'strangler', entities: [], migrations: [CreateStranglerTables1763700000900] }),
        },
        {
          provide: RouteTable,
          inject: [STRANGLER_DATA_SOURCE, DatabaseConnector],
          useFactory: (dataSource: DataSource, connector: DatabaseConnector) =>
            new RouteTable(dataSource, { listen: (channel, handler) => connector.listen(channel, handler) }),
        },
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
        {
          provide: RemoteServices,
          inject: [StrangleableContexts, RPC_CLIENT, stranglerConfig.token],
          useFactory: (contexts: StrangleableContexts, rpc: RpcClient | undefined, config: StranglerConfig) =>
            new RemoteServices(contexts, rpc, { timeoutMs: config.timeoutMs, cooldownMs: config.breakerCooldownMs }),
        },
        FacadeLifecycle,
      ],
      exports: [StrangleableContexts, ShadowComparer, RemoteServices, RouteTable],
    };
  }

  static forService(...served: StrangleableContext[]): DynamicModule {
    return {
      module: StranglerModule,
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
          inject: [StrangleableContexts, AMQP_CONNECTION, AmqpNames, TokenService, CommandBus, QueryBus, ProblemCatalog],
          useFactory: (
            contexts: StrangleableContexts,
            connection: AmqpConnection | undefined,
            names: AmqpNames,
            tokens: TokenService,
            commands: CommandBus,
            queries: QueryBus,
            problems: ProblemCatalog,
          ) => {
            if (!connection) throw new Error('An extracted service is reached over RabbitMQ: set AMQP_URL.');
            return new StranglerEndpoint(contexts, new RpcServer(connection, names), tokens, commands, queries, problems);
          },
        },
        EndpointLifecycle,
      ],
    };
  }

  static forContext(descriptor: StrangleableContext): DynamicModule {
    return {
      module: class StrangledContextModule {},
      imports: [ConfigModule.forFeature(bootModeConfig(descriptor.context))],
      providers: [
        {
          provide: ContextGateway,
          inject: [StrangleableContexts, CommandBus, QueryBus, RouteTable, RemoteServices, ShadowComparer],
          useFactory: (
            contexts: StrangleableContexts,
            commands: CommandBus,
            queries: QueryBus,
            routes: RouteTable,
            remotes: RemoteServices,
            shadow: ShadowComparer,
          ) => {
            contexts.register(descriptor);
            return new ContextGateway(descriptor, contexts, commands, queries, routes, remotes.for(descriptor.context), shadow);
          },
        },
      ],
      exports: [ContextGateway],
    };
  }
}
