import type { Logger } from '@nestjs/common';
import { processCounters } from './counters.js';

/** Every kind of call outside the process that has a timeout of its own. */
export type TimedCall = 'sql' | 'db-pool' | 'publish-confirm' | 'request-reply' | 'broker-connect';

export const TIMEOUTS_COUNTER = 'shop_timeouts_total';

const timeouts = processCounters.counter(
  TIMEOUTS_COUNTER,
  'Calls outside the process that gave up on their timeout, by kind of call and what they called.',
);

/**
 * A call outside the process gave up: logged (what, whom, after how long) and counted, one way for
 * every kind of call. `target` names what was called (a context, a service, an exchange), never a URL.
 */
export function timedOut(logger: Logger, call: TimedCall, target: string, afterMs: number, detail: Record<string, unknown> = {}): void {
  timeouts.inc({ call, target });
  logger.warn({ timeout: call, target, afterMs, ...detail }, `${call} to ${target} timed out after ${afterMs} ms`);
}
