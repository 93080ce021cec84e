import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from './auth/auth.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { ProblemsModule } from './http/problems.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MessagingModule } from './messaging/messaging.module.js';

/** Everything an app shell needs before any context: problem mapping, logs, database, messaging, CQRS buses, auth, health. */
@Module({
  imports: [ProblemsModule, LoggingModule, DatabaseModule, MessagingModule, CqrsModule.forRoot(), AuthModule, HealthModule],
})
export class PlatformModule {}
