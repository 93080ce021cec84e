import { Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { BoundedContextModule, ConfigModule, dataSourceToken, platformConfig, type PlatformConfig } from '@shop/platform';
import { identityProblems } from './api/identity.problems.js';
import { AdminUsersHttpController } from './api/admin-users.http.controller.js';
import { AuthHttpController } from './api/auth.http.controller.js';
import { SeedAdminOnStartup } from './api/seed-admin.on-startup.js';
import { ChangeRolesHandler } from './application/commands/change-roles/change-roles.handler.js';
import { LogInHandler } from './application/commands/log-in/log-in.handler.js';
import { RegisterUserHandler } from './application/commands/register-user/register-user.handler.js';
import { SeedAdminHandler } from './application/commands/seed-admin/seed-admin.handler.js';
import { GetUserHandler } from './application/queries/get-user/get-user.handler.js';
import { identityConfig, type IdentityConfig } from './identity.config.js';
import { LOGIN_ATTEMPT_LIMITER, PASSWORD_HASHER, REGISTRATION_LIMITER, USER_REPOSITORY } from './identity.di-tokens.js';
import { CreateUsers1763700000100 } from './infrastructure/migrations/1763700000100-create-users.migration.js';
import { CreateRateLimits1764633600100 } from './infrastructure/migrations/1764633600100-create-rate-limits.migration.js';
import { TesterRole1764800000100 } from './infrastructure/migrations/1764800000100-tester-role.migration.js';
import { memoryCounters, postgresCounters, RATE_LIMIT_COUNTERS, type RateLimitCounters } from './infrastructure/rate-limit-counters.js';
import { RateLimitedLoginAttempts } from './infrastructure/rate-limited-login-attempts.js';
import { RateLimitedRegistrations } from './infrastructure/rate-limited-registrations.js';
import { ScryptPasswordHasher } from './infrastructure/scrypt-password-hasher.js';
import { UserEntity } from './infrastructure/user.entity.js';
import { TypeOrmUserRepository } from './infrastructure/user.repository.js';

/** The identity bounded context: accounts, passwords, login (tokens), and the seeded admin. */
@Module({
  imports: [
    BoundedContextModule.register({
      name: 'identity',
      problems: identityProblems,
      entities: [UserEntity],
      migrations: [CreateUsers1763700000100, CreateRateLimits1764633600100, TesterRole1764800000100],
    }),
    ConfigModule.forFeature(identityConfig, platformConfig),
  ],
  controllers: [AuthHttpController, AdminUsersHttpController],
  providers: [
    RegisterUserHandler,
    LogInHandler,
    SeedAdminHandler,
    GetUserHandler,
    ChangeRolesHandler,
    SeedAdminOnStartup,
    { provide: USER_REPOSITORY, useClass: TypeOrmUserRepository },
    { provide: PASSWORD_HASHER, useFactory: () => new ScryptPasswordHasher() },
    {
      // Shared by every instance on PostgreSQL; on the embedded database one process is the whole fleet.
      provide: RATE_LIMIT_COUNTERS,
      inject: [platformConfig.token, dataSourceToken('identity')],
      useFactory: (platform: PlatformConfig, dataSource: DataSource): RateLimitCounters =>
        platform.database.kind === 'postgres' ? postgresCounters(dataSource) : memoryCounters,
    },
    {
      provide: LOGIN_ATTEMPT_LIMITER,
      inject: [identityConfig.token, RATE_LIMIT_COUNTERS],
      useFactory: (config: IdentityConfig, counters: RateLimitCounters) => new RateLimitedLoginAttempts(config.limits.login, counters),
    },
    {
      provide: REGISTRATION_LIMITER,
      inject: [identityConfig.token, RATE_LIMIT_COUNTERS],
      useFactory: (config: IdentityConfig, counters: RateLimitCounters) =>
        new RateLimitedRegistrations(config.limits.registration, counters),
    },
  ],
})
export class IdentityModule {}
