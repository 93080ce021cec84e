import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from './auth/auth.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { ProblemsModule } from './http/problems.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MessagingModule } from './messaging/messaging.module.js';
import { ObservabilityModule } from './observability/observability.module.js';

/**
 * Everything an app shell needs before any context: problem mapping, logs, metrics, database, messaging, CQRS buses, auth, health.
 * ObservabilityModule comes before AuthModule: its guard labels a request before authentication may refuse it.
 */
@Module({
  imports: [
    ProblemsModule,
    LoggingModule,
    ObservabilityModule,
    DatabaseModule,
    MessagingModule,
    CqrsModule.forRoot(),
    AuthModule,
    HealthModule,
  ],
})
export class PlatformModule {}
