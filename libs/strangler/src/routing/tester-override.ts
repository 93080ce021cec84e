import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { Role } from '@shop/contracts';
import { RequestContext, validationProblem, type AuthenticatedUser } from '@shop/platform';

/** A tester's choice of side for one request of a strangled context. */
export const ROUTE_OVERRIDE_HEADER = 'X-Strangler-Route';
const SIDES = ['service', 'monolith'] as const;
export type OverrideSide = (typeof SIDES)[number];
/** Who may choose: everyone else's header is ignored. */
const MAY_CHOOSE: readonly string[] = [Role.Admin, Role.Tester];

const requested = new AsyncLocalStorage<string | undefined>();
const logger = new Logger('TesterOverride');

/** Keeps the request's `X-Strangler-Route` for the gateway (which knows the caller) to read. */
export function withRequestedRoute(header: string | string[] | undefined, next: () => void): void {
  requested.run(typeof header === 'string' ? header : undefined, next);
}

/**
 * The side an admin or tester asked for this request, or undefined (no header, or a caller who may not
 * choose). A value other than `service` or `monolith` from a caller who may choose is a 400. Every
 * honoured choice is logged; the request is left out of the gates' evidence.
 */
export function overrideFor(caller: AuthenticatedUser, context: string): OverrideSide | undefined {
  const value = requested.getStore();
  if (value === undefined || !caller.roles.some((role) => MAY_CHOOSE.includes(role))) return undefined;
  const side = value.trim().toLowerCase();
  if (!(SIDES as readonly string[]).includes(side)) {
    throw validationProblem([{ field: ROUTE_OVERRIDE_HEADER, message: 'must be service or monolith' }]);
  }
  logger.log({ context, side, caller: caller.id, requestId: RequestContext.requestId() }, 'side chosen by the caller for this request');
  return side as OverrideSide;
}

/** Documents X-Strangler-Route on a strangled context's operations. */
export const ApiStranglerRoute = (): ClassDecorator & MethodDecorator =>
  ApiHeader({
    name: ROUTE_OVERRIDE_HEADER,
    required: false,
    enum: [...SIDES],
    description: 'admin or tester only (ignored for anyone else): serve this one request from that side; logged, not counted by the gates',
  });
