import { RequestContext } from './request-context.js';

/** The header that carries a request's deadline (epoch milliseconds) from one process to another. */
export const DEADLINE_HEADER = 'x-deadline';

/**
 * The caller stopped waiting before this work could commit: nothing of it was applied, and nothing
 * will be (the transaction was rolled back, or the work never started).
 */
export class DeadlineExceededError extends Error {
  constructor(readonly deadline: number) {
    super(`The caller's deadline (${new Date(deadline).toISOString()}) passed before the work could commit; nothing was applied.`);
    this.name = 'DeadlineExceededError';
  }
}

/** Throws when the current request has a deadline and it has passed. */
export function assertBeforeDeadline(now = Date.now()): void {
  const deadline = RequestContext.deadline();
  if (deadline !== undefined && now >= deadline) throw new DeadlineExceededError(deadline);
}

/** A deadline header's value, when it is a sane one. */
export function parseDeadline(value: unknown): number | undefined {
  const deadline = typeof value === 'string' ? Number(value) : NaN;
  return Number.isSafeInteger(deadline) && deadline > 0 ? deadline : undefined;
}
