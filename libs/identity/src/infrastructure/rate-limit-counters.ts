import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import type { Admission } from '../application/ports/login-attempt-limiter.port.js';

export interface CounterOptions {
  /** Names the counter; keys of different counters never meet, even in one table. */
  keyPrefix: string;
  /** Counts allowed per key within `duration`. */
  points: number;
  /** Seconds; a key's window starts with its first count. */
  duration: number;
}

/** Makes counters (rate-limiter-flexible limiters) on one store. */
export type RateLimitCounters = (options: CounterOptions) => RateLimiterAbstract;

export const RATE_LIMIT_COUNTERS = Symbol('RateLimitCounters');

/** identity.rate_limits, created by identity's migration in the shape rate-limiter-flexible expects. */
export const RATE_LIMITS_TABLE = { schemaName: 'identity', tableName: 'rate_limits' } as const;

/**
 * Counters in PostgreSQL: every instance on the database counts in the same rows, each count one atomic
 * upsert. Should a query fail, a counter falls back to counting in this process's memory (its insurance)
 * rather than failing the request or letting it through uncounted (ADR 0012).
 */
export function postgresCounters(dataSource: DataSource): RateLimitCounters {
  let sweeperTaken = false;
  return (options) => {
    const counter = new RateLimiterPostgres({
      ...options,
      ...RATE_LIMITS_TABLE,
      // The table exists (migration); without this the limiter would create it in the background, and crash the process if that failed.
      tableCreated: true,
      // rate-limiter-flexible reaches the pg pool as dataSource.driver.master, on every query.
      storeClient: dataSource,
      storeType: 'typeorm',
      // Every counter shares the table: one of them deleting expired rows (every 5 minutes) is enough.
      clearExpiredByTimeout: !sweeperTaken,
      insuranceLimiter: new RateLimiterMemory(options),
    });
    sweeperTaken = true;
    return counter;
  };
}

/** Counters in this process's memory: for the embedded database, where one process is the whole fleet. */
export const memoryCounters: RateLimitCounters = (options) => new RateLimiterMemory(options);

export interface Count {
  /** True when this count went past the counter's points. */
  over: boolean;
  result: RateLimiterRes;
}

/** Counts one for `key`. Past the points is an answer here, not an error; a store error (with no insurance left) still throws. */
export async function countOne(counter: RateLimiterAbstract, key: string, options?: { customDuration: number }): Promise<Count> {
  try {
    return { over: false, result: await counter.consume(key, 1, options) };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { over: true, result: rejection };
    throw rejection;
  }
}

export const ALLOWED: Admission = { allowed: true };

/** Refused until the longest of these counts' windows is over, in whole seconds (at least 1, as Retry-After needs). */
export function refusedUntilLongest(counts: Count[]): Admission {
  const waitMs = Math.max(...counts.map((count) => count.result.msBeforeNext));
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}
