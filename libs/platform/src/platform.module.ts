import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { loadConfig, type AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MessagingModule } from './messaging/messaging.module.js';
import { CqrsModule } from '@nestjs/cqrs';

/** Everything an app shell needs before any context: config, logs, database, messaging, CQRS buses, auth, health. */
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(),
        DatabaseModule.forRoot(),
        MessagingModule,
        CqrsModule.forRoot(),
        AuthModule.forRoot(),
        HealthModule,
      ],
    };
  }
}
