import type { LoginAttempt, LoginAttemptLimiter } from '../application/ports/login-attempt-limiter.port.js';
import { SlidingWindowCounter } from './sliding-window-counter.js';

export interface LoginLimits {
  perEmail: { failures: number; windowMs: number };
  perAddress: { failures: number; windowMs: number };
}

const FIFTEEN_MINUTES = 15 * 60 * 1000;

/** 5 failures per account or 20 per client address within 15 minutes, then wait. */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perEmail: { failures: 5, windowMs: FIFTEEN_MINUTES },
  perAddress: { failures: 20, windowMs: FIFTEEN_MINUTES },
};

/**
 * Failed-login limits kept in this process's memory: each instance counts on its own and a restart
 * forgets, so N instances allow up to N times the limit. Enough against casual guessing; a shared
 * store (the database or Redis) is the step up when that matters.
 */
export class InMemoryLoginAttemptLimiter implements LoginAttemptLimiter {
  private readonly byEmail: SlidingWindowCounter;
  private readonly byAddress: SlidingWindowCounter;

  constructor(limits: LoginLimits = DEFAULT_LOGIN_LIMITS, now?: () => number) {
    this.byEmail = new SlidingWindowCounter({ limit: limits.perEmail.failures, windowMs: limits.perEmail.windowMs, now });
    this.byAddress = new SlidingWindowCounter({ limit: limits.perAddress.failures, windowMs: limits.perAddress.windowMs, now });
  }

  retryAfterSeconds(attempt: LoginAttempt): number {
    const waitMs = Math.max(this.byEmail.retryAfterMs(attempt.email), this.byAddress.retryAfterMs(attempt.clientAddress));
    return Math.ceil(waitMs / 1000);
  }

  recordFailure(attempt: LoginAttempt): void {
    this.byEmail.record(attempt.email);
    this.byAddress.record(attempt.clientAddress);
  }

  recordSuccess(attempt: LoginAttempt): void {
    this.byEmail.reset(attempt.email);
  }
}
