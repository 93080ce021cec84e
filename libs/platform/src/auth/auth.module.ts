import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { JwtAuthGuard, RolesGuard } from './guards.js';
import { resolveJwtKeys } from './jwt-keys.js';
import { JwtStrategy } from './jwt.strategy.js';
import { TokenService } from './token.service.js';

/** Secure by default: a global JWT guard (opt out with @Public()) followed by the roles guard. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(): DynamicModule {
    return {
      module: AuthModule,
      imports: [PassportModule],
      providers: [
        { provide: TokenService, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new TokenService(resolveJwtKeys(config)) },
        JwtStrategy,
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
      exports: [TokenService],
    };
  }
}
