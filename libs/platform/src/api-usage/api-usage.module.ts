import { Inject, Injectable, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConfigModule } from '../config/config.module.js';
import { DatabaseConnector } from '../database/database-connector.js';
import { dataSourceToken } from '../database/database.module.js';
import { CreateApiUsage1764800000100 } from './1764800000100-create-api-usage.migration.js';
import { ApiUsageController } from './api-usage.controller.js';
import { apiUsageConfig, type ApiUsageConfig } from './api-usage.config.js';
import { ApiUsageLedger } from './api-usage.ledger.js';
import { ApiUsageInterceptor } from './counted-api.js';

/** The platform's own schema: plumbing tables that belong to no context and stay with the process serving HTTP. */
const PLATFORM_DATA_SOURCE = dataSourceToken('platform');

/** Flushes the ledger on a timer, and once more before the database closes. */
@Injectable()
class LedgerFlushing implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ApiUsage');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(ApiUsageLedger) private readonly ledger: ApiUsageLedger,
    @Inject(apiUsageConfig.token) private readonly config: ApiUsageConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), this.config.flushMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async flush(): Promise<void> {
    try {
      await this.ledger.flush();
    } catch (error) {
      this.logger.warn({ err: error }, 'API usage not flushed; kept for the next flush');
    }
  }
}

/**
 * Counts calls of the routes marked `@CountedApi(api, version)` per client, and answers admins
 * `GET /api/v1/admin/api-usage`. Imported by the HTTP modules whose routes it counts.
 */
@Module({
  imports: [ConfigModule.forFeature(apiUsageConfig)],
  controllers: [ApiUsageController],
  providers: [
    {
      provide: PLATFORM_DATA_SOURCE,
      inject: [DatabaseConnector],
      useFactory: (connector: DatabaseConnector) =>
        connector.open({ schema: 'platform', entities: [], migrations: [CreateApiUsage1764800000100] }),
    },
    { provide: ApiUsageLedger, inject: [PLATFORM_DATA_SOURCE], useFactory: (dataSource: DataSource) => new ApiUsageLedger(dataSource) },
    ApiUsageInterceptor,
    LedgerFlushing,
  ],
  exports: [ApiUsageLedger, ApiUsageInterceptor],
})
export class ApiUsageModule {}
