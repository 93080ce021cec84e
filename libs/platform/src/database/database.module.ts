import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { DatabaseConnector, type ContextDatabaseOptions } from './database-connector.js';

/** Injection token of a context's DataSource: `@Inject(dataSourceToken('catalog'))`. */
export const dataSourceToken = (schema: string): string => `DataSource:${schema}`;

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DatabaseConnector) private readonly connector: DatabaseConnector) {}

  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DatabaseConnector,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => new DatabaseConnector(config.database),
        },
      ],
      exports: [DatabaseConnector],
    };
  }

  /** A context's own DataSource, migrated before anything can inject it. */
  static forContext(options: ContextDatabaseOptions): DynamicModule {
    const token = dataSourceToken(options.schema);
    return {
      module: class ContextDatabaseModule {},
      providers: [{ provide: token, inject: [DatabaseConnector], useFactory: (connector: DatabaseConnector) => connector.open(options) }],
      exports: [token],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connector.close();
  }
}
