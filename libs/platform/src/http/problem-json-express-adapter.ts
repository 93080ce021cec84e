import { ExpressAdapter } from '@nestjs/platform-express';

/**
 * Nest's Express adapter with one difference: with a global prefix, Nest mounts its route-not-found
 * handler under the prefix (and on the excluded routes) only, so any other path (`/favicon.ico`,
 * `/nowhere`) fell through to Express's HTML 404. This adapter mounts the same handler at the root as
 * well, after every route, so every unknown path is answered by the exception filters as problem+json.
 */
export class ProblemJsonExpressAdapter extends ExpressAdapter {
  override setNotFoundHandler(...args: Parameters<ExpressAdapter['setNotFoundHandler']>): unknown {
    const [handler, prefix] = args;
    const mounted: unknown = super.setNotFoundHandler(...args);
    // Without a prefix Nest has mounted it at the root already.
    if (prefix) this.use(handler);
    return mounted;
  }
}
