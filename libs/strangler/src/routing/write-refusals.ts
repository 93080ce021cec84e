import { problemType, ProblemException } from '@shop/platform';
import type { RemoteService } from '../remote/remote-service.js';

/** How long a client waits before retrying a write refused during a handoff's freeze. */
export const FROZEN_RETRY_AFTER_S = 2;

/** The context's data is being handed over: writes are refused before they start, so this one was not applied. */
export function writeFrozen(context: string): ProblemException {
  return ProblemException.of(
    503,
    'context-frozen',
    `${context} is being moved to another database; writes are paused for a few seconds. ` +
      `The request was not applied; retry it after ${FROZEN_RETRY_AFTER_S} s.`,
    { type: problemType('context-frozen') },
    { 'Retry-After': String(FROZEN_RETRY_AFTER_S) },
  );
}

/** The write never reached the service (no broker, circuit open): it was not applied, and cannot be later. */
export function writeNotSent(service: string, cooldownMs = 1000): ProblemException {
  const retryAfter = String(Math.ceil(cooldownMs / 1000));
  return ProblemException.of(
    503,
    'service-unavailable',
    `${service} is unavailable. The request was not applied; retry it after ${retryAfter} s.`,
    { type: problemType('service-unavailable') },
    { 'Retry-After': retryAfter },
  );
}

/**
 * The write reached the service, which did not answer in time. It applies a request only before the
 * deadline the request carried, so the outcome is settled: applied by then, or never. Only the
 * client's Idempotency-Key can tell which without applying it twice.
 */
export function writeTimedOut(remote: RemoteService, deadline: number): ProblemException {
  const retryAfter = retryAfterOf(remote);
  return ProblemException.of(
    503,
    'service-timeout',
    `${remote.service} did not answer in time. It applies a request only before its deadline ` +
      `(${new Date(deadline).toISOString()}), so this one was either applied by then or never will be. ` +
      `Retry after ${retryAfter} s with the same Idempotency-Key to get its outcome without applying it twice; ` +
      'without an Idempotency-Key, it may have been applied.',
    { type: problemType('service-timeout') },
    { 'Retry-After': retryAfter },
  );
}

/** A read of a context only its service serves now (its data was handed off): there is nothing to fall back on. */
export function readUnavailable(service: string, cooldownMs = 1000): ProblemException {
  const retryAfter = String(Math.ceil(cooldownMs / 1000));
  return ProblemException.of(
    503,
    'service-unavailable',
    `${service} is unavailable, and it alone holds this data now; retry after ${retryAfter} s.`,
    { type: problemType('service-unavailable') },
    { 'Retry-After': retryAfter },
  );
}

const retryAfterOf = (remote: RemoteService): string => String(Math.ceil(remote.cooldownMs / 1000));
