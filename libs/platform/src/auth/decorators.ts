import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedUser } from './token.service.js';

export const IS_PUBLIC = 'auth:isPublic';
export const REQUIRED_ROLES = 'auth:roles';
export const AUTHENTICATES_ITSELF = 'auth:authenticatesItself';

/** Opts a route or controller out of the global JWT guard. Everything else requires a token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * Passes the global JWT guard by, for a route whose handler checks the bearer credential itself (one
 * the guard does not know, besides access tokens). Documented as needing a bearer token, not as public.
 */
export const AuthenticatesItself = (): MethodDecorator & ClassDecorator =>
  applyDecorators(Public(), SetMetadata(AUTHENTICATES_ITSELF, true));

/** Requires at least one of the roles; checked after authentication (403 when missing). */
export const Roles = (...roles: string[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLES, roles);

/** The authenticated caller of the current request. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => context.switchToHttp().getRequest<{ user: AuthenticatedUser }>().user,
);
