import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { problemType, ProblemException } from '../http/problem-details.js';
import { IS_PUBLIC, REQUIRED_ROLES } from './decorators.js';
import type { AuthenticatedUser } from './token.service.js';

const unauthorized = (): ProblemException =>
  ProblemException.of(401, 'unauthorized', 'A valid bearer token is required.', {}, { 'WWW-Authenticate': 'Bearer' });

/** Global: every route needs a valid token unless it is marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    return isPublic ? true : super.canActivate(context);
  }

  override handleRequest<TUser = AuthenticatedUser>(error: unknown, user: TUser | false): TUser {
    if (error || !user) throw unauthorized();
    return user;
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
