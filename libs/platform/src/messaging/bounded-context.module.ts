import {
  Inject,
  Injectable,
  Module,
  Optional,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigModule } from '../config/config.module.js';
import { ContextDatabase } from '../database/context-database.js';
import { contextPoolConfig, type PoolSettings } from '../database/context-pool.js';
import { DatabaseConnector, type ContextDatabaseOptions } from '../database/database-connector.js';
import { contextDatabaseToken, dataSourceToken } from '../database/database.module.js';
import { problemMapperProvider, type ProblemMapper } from '../http/problem-catalog.js';
import { CONSUMERS_WAIT_FOR_CONTROL, CONTEXT_LOCATOR, HostedContexts, type ContextLocator } from './hosted-contexts.js';
import { HandlerNames, inboxSubscription } from './inbox-consumer.js';
import { MESSAGE_TRANSPORT, type MessageTransport } from './message-transport.js';
import { outboxInboxMigration } from './outbox-inbox.migration.js';
import { OutboxRelay } from './outbox-relay.js';
import { UnitOfWork } from './unit-of-work.js';

/** A context's subscriptions to integration events. */
@Injectable()
export class ContextMessaging {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    private readonly handlerNames: HandlerNames,
    @Optional() @Inject(CONSUMERS_WAIT_FOR_CONTROL) private readonly waitForControl: boolean | undefined,
  ) {}

  /**
   * Subscribes the context's consumer classes (methods marked @OnIntegrationEvent). Call it from
   * the context module's onModuleInit: every subscription is then in place before any relay starts.
   * A handler name that is malformed or already taken in this process stops the start-up.
   */
  async subscribe(...consumers: object[]): Promise<void> {
    await this.transport.subscribe(inboxSubscription(this.uow, consumers, this.handlerNames), { paused: this.waitForControl === true });
  }
}

/** Starts the context's relay once the app is up, stops it before connections close. */
@Injectable()
class RelayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(private readonly relay: OutboxRelay) {}

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}

export interface BoundedContextOptions extends Omit<ContextDatabaseOptions, 'schema'> {
  /** The context's name, which is also its schema and its queue. */
  name: string;
  /** How the context's business errors read over HTTP (see ProblemCatalog). */
  problems?: ProblemMapper;
}

/**
 * What every context gets from the platform, wired the same way: its own schema and migrations
 * (outbox and inbox included), a UnitOfWork, an outbox relay, event subscriptions, and its
 * errors' problem mapping.
 */
@Module({})
export class BoundedContextModule {
  static register({ name, entities, migrations, problems }: BoundedContextOptions): DynamicModule {
    const database = contextDatabaseToken(name);
    const poolConfig = contextPoolConfig(name);
    return {
      module: BoundedContextModule,
      imports: [ConfigModule.forFeature(poolConfig)],
      providers: [
        {
          provide: database,
          inject: [DatabaseConnector, poolConfig.token, { token: CONTEXT_LOCATOR, optional: true }],
          useFactory: async (connector: DatabaseConnector, pool: PoolSettings, locator: ContextLocator | undefined) => {
            const options = { schema: name, entities, migrations: [outboxInboxMigration(name), ...migrations], pool };
            const located = await locator?.locate(name);
            const source = located ? await connector.openAt(located.database, options) : await connector.open(options);
            return new ContextDatabase(name, source, connector, options, located?.location);
          },
        },
        // The DataSource opened at start-up, for code that reads a context which never moves (tests, mostly).
        { provide: dataSourceToken(name), inject: [database], useFactory: (context: ContextDatabase) => context.dataSource },
        {
          provide: OutboxRelay,
          inject: [database, MESSAGE_TRANSPORT],
          useFactory: (context: ContextDatabase, transport: MessageTransport) => new OutboxRelay(name, context, transport),
        },
        {
          provide: UnitOfWork,
          inject: [database, OutboxRelay],
          useFactory: (context: ContextDatabase, relay: OutboxRelay) => new UnitOfWork(name, context, () => relay.wake()),
        },
        ContextMessaging,
        RelayLifecycle,
        {
          provide: `HostedContext:${name}`,
          inject: [HostedContexts, database, OutboxRelay, MESSAGE_TRANSPORT],
          useFactory: (hosted: HostedContexts, context: ContextDatabase, relay: OutboxRelay, transport: MessageTransport) =>
            hosted.register({
              name,
              database: context,
              relay,
              pauseConsumers: () => transport.pause(name),
              resumeConsumers: () => transport.resume(name),
            }),
        },
        ...(problems ? [problemMapperProvider(name, problems)] : []),
      ],
      exports: [UnitOfWork, ContextMessaging, OutboxRelay, database, dataSourceToken(name)],
    };
  }
}
