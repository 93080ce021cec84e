import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { problemType, ProblemException } from '../http/problem-details.js';
import { IS_PUBLIC, REQUIRED_ROLES } from './decorators.js';
import { TokenService, type AuthenticatedUser } from './token.service.js';

const unauthorized = (): ProblemException =>
  ProblemException.of(401, 'unauthorized', 'A valid bearer token is required.', {}, { 'WWW-Authenticate': 'Bearer' });

/** The token of an `Authorization: Bearer <token>` header (the scheme in any case), as passport-jwt read it. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /(\S+)\s+(\S+)/.exec(header);
  return match && match[1]!.toLowerCase() === 'bearer' ? match[2] : undefined;
}

/**
 * Global: every route needs a valid token unless it is marked @Public(). TokenService verifies it
 * (jsonwebtoken with the parsed key; algorithm, issuer and audience pinned; exp, sub and roles
 * required), as order-service verifies a forwarded one; passport added a strategy object, callbacks
 * and promises per request around that same call, ~8 % of a GET's CPU (docs/benchmarks.md).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenService) private readonly tokens: TokenService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<{ headers: { authorization?: string }; user?: AuthenticatedUser }>();
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) throw unauthorized();
    try {
      request.user = this.tokens.verify(token);
    } catch {
      throw unauthorized();
    }
    return true;
  }
}

/** Global: enforces @Roles(...) on authenticated requests. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, [context.getHandler(), context.getClass()]);
    if (!required?.length) return true;
    const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
    if (user && required.some((role) => user.roles.includes(role))) return true;
    throw ProblemException.of(403, 'forbidden', `This action requires the role: ${required.join(' or ')}.`, {
      type: problemType('forbidden'),
    });
  }
}
