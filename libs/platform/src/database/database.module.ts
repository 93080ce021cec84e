import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigModule } from '../config/config.module.js';
import { platformConfig, type PlatformConfig } from '../config/platform.config.js';
import { DatabaseConnector } from './database-connector.js';

/** Injection token of the DataSource a context opened at start-up: `@Inject(dataSourceToken('catalog'))`. */
export const dataSourceToken = (schema: string): string => `DataSource:${schema}`;

/** Injection token of a context's ContextDatabase: where its data is now, and what can move it. */
export const contextDatabaseToken = (schema: string): string => `ContextDatabase:${schema}`;

/** The process's DatabaseConnector, from which each context opens its own DataSource (see BoundedContextModule). */
@Global()
@Module({
  imports: [ConfigModule.forFeature(platformConfig)],
  providers: [
    {
      provide: DatabaseConnector,
      inject: [platformConfig.token],
      useFactory: (config: PlatformConfig) => new DatabaseConnector(config.database, { sharedPool: config.sharedPool }),
    },
  ],
  exports: [DatabaseConnector],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DatabaseConnector) private readonly connector: DatabaseConnector) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connector.close();
  }
}
