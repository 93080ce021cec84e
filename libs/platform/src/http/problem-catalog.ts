import type { Provider } from '@nestjs/common';
import { isDatabaseTimeout } from '../database/context-pool.js';
import { RequestAlreadyAppliedError } from '../messaging/unit-of-work.js';
import { DeadlineExceededError } from './deadline.js';
import { ProblemException } from './problem-details.js';

/**
 * How one context's business errors read over HTTP: the problem for an error it knows, undefined
 * for any other. Each context declares one (`api/<context>.problems.ts`) and registers it with
 * BoundedContextModule; the context's code throws its own errors and never builds a problem itself.
 */
export type ProblemMapper = (error: unknown) => ProblemException | undefined;

/**
 * Registers a context's ProblemMapper when the module that lists this provider is built; a context
 * registers it with its code (BoundedContextModule) and with its HTTP routes, which may be hosted
 * without the code (registering twice is harmless).
 */
export const problemMapperProvider = (name: string, mapper: ProblemMapper): Provider => ({
  provide: `ProblemMapper:${name}`,
  inject: [ProblemCatalog],
  useFactory: (catalog: ProblemCatalog) => catalog.register(mapper),
});

/**
 * Every context's ProblemMapper, consulted by the global ProblemDetailsFilter and by a strangled
 * service answering the facade, so an error reads the same whichever process raised it.
 */
export class ProblemCatalog {
  private readonly mappers = new Set<ProblemMapper>();

  register(mapper: ProblemMapper): void {
    this.mappers.add(mapper);
  }

  /** The problem an error stands for: itself if it is one, a context's mapping, or undefined. */
  toProblem(error: unknown): ProblemException | undefined {
    if (error instanceof ProblemException) return error;
    if (error instanceof DeadlineExceededError) return ProblemException.of(503, 'deadline-exceeded', error.message);
    // 503 as the facade's other answers about an unfinished exchange; Retry-After for the caller who holds an Idempotency-Key.
    if (error instanceof RequestAlreadyAppliedError)
      return ProblemException.of(503, 'already-applied', error.message, {}, { 'Retry-After': '1' });
    if (isDatabaseTimeout(error)) return databaseTimeout();
    for (const mapper of this.mappers) {
      const problem = mapper(error);
      if (problem) return problem;
    }
    return undefined;
  }
}

/** How long a caller waits before retrying a request its context's database did not answer in time. */
const DATABASE_TIMEOUT_RETRY_AFTER_S = 1;

/** A statement cancelled on its timeout rolled its transaction back; one that waited for a connection never ran. */
const databaseTimeout = (): ProblemException =>
  ProblemException.of(
    503,
    'database-timeout',
    `The database did not answer in time, so nothing was applied; retry after ${DATABASE_TIMEOUT_RETRY_AFTER_S} s.`,
    {},
    { 'Retry-After': String(DATABASE_TIMEOUT_RETRY_AFTER_S) },
  );
