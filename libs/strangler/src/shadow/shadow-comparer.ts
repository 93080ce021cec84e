import { setTimeout } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { RequestContext } from '@shop/platform';

export interface ShadowCounts {
  matches: number;
  mismatches: number;
  /** The service could not answer the mirrored read (not a mismatch: nothing to compare). */
  unavailable: number;
}

const MAX_DIFFERENCES_LOGGED = 20;
/** Rounds of re-reading both sides before a difference counts; each waits a little longer for the data to settle. */
const RECHECK_ROUNDS = 3;
const RECHECK_PAUSE_MS = 25;

/**
 * Compares the monolith's answer to a read with the service's answer to the same read, after
 * dropping fields that may legitimately differ. The data may move between the two reads (a saga
 * takes several steps), so a difference is re-checked: first a fresh monolith answer against the
 * service's, then fresh answers from both sides, a few rounds apart. Only a difference that
 * survives every round is a mismatch: a real regression differs in every round, a moving saga
 * settles. Counts are kept per context and route.
 */
export class ShadowComparer {
  private readonly logger = new Logger('Shadow');
  private readonly counts = new Map<string, Map<string, ShadowCounts>>();

  async compare(input: {
    context: string;
    route: string;
    ignore: string[];
    primary: unknown;
    shadow: () => Promise<unknown>;
    reread: () => Promise<unknown>;
  }): Promise<'match' | 'mismatch' | 'unavailable'> {
    const counts = this.countsFor(input.context, input.route);
    let shadow: unknown;
    try {
      shadow = await input.shadow();
    } catch {
      counts.unavailable += 1;
      return 'unavailable';
    }
    const differ = (monolith: unknown, service: unknown) =>
      differencesBetween(normalise(monolith, input.ignore), normalise(service, input.ignore));
    let differences = differ(input.primary, shadow);
    if (differences.length > 0) differences = differ(await input.reread().catch(() => input.primary), shadow);
    for (let round = 1; differences.length > 0 && round <= RECHECK_ROUNDS; round += 1) {
      await setTimeout(RECHECK_PAUSE_MS * round);
      shadow = await input.shadow().catch(() => shadow);
      differences = differ(await input.reread().catch(() => input.primary), shadow);
    }
    if (differences.length === 0) {
      counts.matches += 1;
      return 'match';
    }
    counts.mismatches += 1;
    this.logger.warn(
      {
        context: input.context,
        route: input.route,
        requestId: RequestContext.requestId(),
        differences: differences.slice(0, MAX_DIFFERENCES_LOGGED),
      },
      'shadow read mismatch between monolith and service',
    );
    return 'mismatch';
  }

  /** `{ context: { route: counts } }` */
  snapshot(): Record<string, Record<string, ShadowCounts>> {
    return Object.fromEntries(
      [...this.counts].map(([context, routes]) => [context, Object.fromEntries([...routes].map(([route, c]) => [route, { ...c }]))]),
    );
  }

  private countsFor(context: string, route: string): ShadowCounts {
    let routes = this.counts.get(context);
    if (!routes) this.counts.set(context, (routes = new Map()));
    let counts = routes.get(route);
    if (!counts) routes.set(route, (counts = { matches: 0, mismatches: 0, unavailable: 0 }));
    return counts;
  }
}

/** A deep copy without the ignored field names (at any depth). */
export function normalise(value: unknown, ignore: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => normalise(item, ignore));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !ignore.includes(key))
        .map(([key, item]) => [key, normalise(item, ignore)]),
    );
  }
  return value;
}

/** Paths where two JSON values differ, as `path: monolith ≠ service`. */
export function differencesBetween(monolith: unknown, service: unknown, path = '$'): string[] {
  if (Object.is(monolith, service)) return [];
  const bothObjects =
    monolith &&
    service &&
    typeof monolith === 'object' &&
    typeof service === 'object' &&
    Array.isArray(monolith) === Array.isArray(service);
  if (!bothObjects) return [`${path}: ${JSON.stringify(monolith)} ≠ ${JSON.stringify(service)}`];
  const keys = new Set([...Object.keys(monolith as object), ...Object.keys(service as object)]);
  return [...keys].flatMap((key) =>
    differencesBetween(
      (monolith as Record<string, unknown>)[key],
      (service as Record<string, unknown>)[key],
      Array.isArray(monolith) ? `${path}[${key}]` : `${path}.${key}`,
    ),
  );
}
