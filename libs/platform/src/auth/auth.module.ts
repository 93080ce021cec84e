import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ConfigModule } from '../config/config.module.js';
import { platformConfig, type PlatformConfig } from '../config/platform.config.js';
import { JwtAuthGuard, RolesGuard } from './guards.js';
import { resolveJwtKeys } from './jwt-keys.js';
import { TokenService } from './token.service.js';

/** Secure by default: a global JWT guard (opt out with @Public()) followed by the roles guard. */
@Global()
@Module({
  imports: [ConfigModule.forFeature(platformConfig)],
  providers: [
    {
      provide: TokenService,
      inject: [platformConfig.token],
      useFactory: (config: PlatformConfig) => new TokenService(resolveJwtKeys(config)),
    },
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [TokenService],
})
export class AuthModule {}
