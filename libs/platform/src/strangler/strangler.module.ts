import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { NextFunction, Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { TokenService } from '../auth/token.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { DatabaseConnector } from '../database/database-connector.js';
import { dataSourceToken } from '../database/database.module.js';
import type { AmqpConnection } from '../messaging/amqp/amqp-connection.js';
import { AmqpNames } from '../messaging/amqp/amqp-names.js';
import { RpcClient, RpcServer } from '../messaging/amqp/rpc.js';
import { AMQP_CONNECTION, INSTANCE_ID } from '../messaging/messaging.module.js';
import { ContextGateway, MONOLITH, SERVED_BY_HEADER } from './context-gateway.js';
import { RemoteServices } from './remote-services.js';
import { RouteTable } from './route-table.js';
import { ShadowComparer } from './shadow-comparer.js';
import { StranglerAdminController } from './strangler-admin.controller.js';
import { StranglerEndpoint } from './strangler-endpoint.js';
import { CreateStranglerTables1763700000900 } from './strangler-tables.migration.js';
import { StrangleableContexts, type StrangleableContext } from './strangleable-context.js';

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Every context has registered by now; its boot mode applies only if no route is persisted. */
  async onApplicationBootstrap(): Promise<void> {
    const bootModes = Object.fromEntries(this.contexts.all().map(({ context }) => [context, this.config.strangler.bootModes[context] ?? 'monolith']));
    await this.routes.start(bootModes);
  }

  onApplicationShutdown(): void {
    this.routes.stop();
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
 * The strangler's machinery. `forRoot({ role: 'facade' })` in the monolith: the persisted route
 * table, the admin API, and a circuit-broken request-reply client per extracted service.
 * `forRoot({ role: 'service' })` in an extracted service: answers the facade's requests.
 * `forContext(descriptor)` in a strangleable context: gives its controllers a ContextGateway.
 */
@Global()
@Module({})
export class StranglerModule {
  static forRoot({ role }: { role: 'facade' | 'service' }): DynamicModule {
    const common: Provider[] = [
      { provide: StrangleableContexts, useFactory: () => new StrangleableContexts() },
      { provide: ShadowComparer, useFactory: () => new ShadowComparer() },
    ];
    const facade: Provider[] = [
      {
        provide: STRANGLER_DATA_SOURCE,
        inject: [DatabaseConnector],
        useFactory: (connector: DatabaseConnector) => connector.open({ schema: 'strangler', entities: [], migrations: [CreateStranglerTables1763700000900] }),
      },
      { provide: RouteTable, inject: [STRANGLER_DATA_SOURCE], useFactory: (dataSource: DataSource) => new RouteTable(dataSource) },
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
        inject: [StrangleableContexts, RPC_CLIENT, APP_CONFIG],
        useFactory: (contexts: StrangleableContexts, rpc: RpcClient | undefined, config: AppConfig) =>
          new RemoteServices(contexts, rpc, { timeoutMs: config.strangler.timeoutMs, cooldownMs: config.strangler.breakerCooldownMs }),
      },
      FacadeLifecycle,
    ];
    const service: Provider[] = [
      {
        provide: StranglerEndpoint,
        inject: [StrangleableContexts, AMQP_CONNECTION, AmqpNames, TokenService, CommandBus, QueryBus],
        useFactory: (contexts: StrangleableContexts, connection: AmqpConnection | undefined, names: AmqpNames, tokens: TokenService, commands: CommandBus, queries: QueryBus) => {
          if (!connection) throw new Error('An extracted service is reached over RabbitMQ: set AMQP_URL.');
          return new StranglerEndpoint(contexts, new RpcServer(connection, names), tokens, commands, queries);
        },
      },
      { provide: RemoteServices, inject: [StrangleableContexts], useFactory: (contexts: StrangleableContexts) => new RemoteServices(contexts, undefined, { timeoutMs: 0, cooldownMs: 0 }) },
      EndpointLifecycle,
    ];
    return {
      module: StranglerModule,
      controllers: role === 'facade' ? [StranglerAdminController] : [],
      providers: [...common, ...(role === 'facade' ? facade : service)],
      exports: [StrangleableContexts, ShadowComparer, RemoteServices, ...(role === 'facade' ? [RouteTable] : [])],
    };
  }

  static forContext(descriptor: StrangleableContext): DynamicModule {
    return {
      module: class StrangledContextModule {},
      providers: [
        {
          provide: ContextGateway,
          inject: [StrangleableContexts, CommandBus, QueryBus, { token: RouteTable, optional: true }, RemoteServices, ShadowComparer],
          useFactory: (contexts: StrangleableContexts, commands: CommandBus, queries: QueryBus, routes: RouteTable | undefined, remotes: RemoteServices, shadow: ShadowComparer) => {
            contexts.register(descriptor);
            return new ContextGateway(descriptor, commands, queries, routes, remotes.for(descriptor.context), shadow);
          },
        },
      ],
      exports: [ContextGateway],
    };
  }
}

