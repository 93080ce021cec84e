import { Module } from '@nestjs/common';
import { BoundedContextModule, ConfigModule } from '@shop/platform';
import { identityProblems } from './api/identity.problems.js';
import { AuthHttpController } from './api/auth.http.controller.js';
import { SeedAdminOnStartup } from './api/seed-admin.on-startup.js';
import { LogInHandler } from './application/commands/log-in/log-in.handler.js';
import { RegisterUserHandler } from './application/commands/register-user/register-user.handler.js';
import { SeedAdminHandler } from './application/commands/seed-admin/seed-admin.handler.js';
import { GetUserHandler } from './application/queries/get-user/get-user.handler.js';
import { identityConfig } from './identity.config.js';
import { LOGIN_ATTEMPT_LIMITER, PASSWORD_HASHER, USER_REPOSITORY } from './identity.di-tokens.js';
import { InMemoryLoginAttemptLimiter } from './infrastructure/in-memory-login-attempt-limiter.js';
import { CreateUsers1763700000100 } from './infrastructure/migrations/1763700000100-create-users.migration.js';
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
      migrations: [CreateUsers1763700000100],
    }),
    ConfigModule.forFeature(identityConfig),
  ],
  controllers: [AuthHttpController],
  providers: [
    RegisterUserHandler,
    LogInHandler,
    SeedAdminHandler,
    GetUserHandler,
    SeedAdminOnStartup,
    { provide: USER_REPOSITORY, useClass: TypeOrmUserRepository },
    { provide: PASSWORD_HASHER, useFactory: () => new ScryptPasswordHasher() },
    { provide: LOGIN_ATTEMPT_LIMITER, useFactory: () => new InMemoryLoginAttemptLimiter() },
  ],
})
export class IdentityModule {}
