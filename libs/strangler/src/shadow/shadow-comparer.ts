import { Logger } from '@nestjs/common';
import { RequestContext } from '@shop/platform';

export interface ShadowCounts {
  matches: number;
  mismatches: number;
  /** The service could not answer the mirrored read (not a mismatch: nothing to compare). */
  unavailable: number;
}

const MAX_DIFFERENCES_LOGGED = 20;

/**
 * Compares the monolith's answer to a read with the service's answer to the same read, after
 * dropping fields that may legitimately differ. A difference is re-checked once against a fresh
 * monolith answer, since the data may have moved between the two reads (a saga step, say); only
 * a difference that survives is a mismatch. Counts are kept per context and route.
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
    let differences = differencesBetween(normalise(input.primary, input.ignore), normalise(shadow, input.ignore));
    if (differences.length > 0) {
      const again = await input.reread().catch(() => input.primary);
      differences = differencesBetween(normalise(again, input.ignore), normalise(shadow, input.ignore));
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
