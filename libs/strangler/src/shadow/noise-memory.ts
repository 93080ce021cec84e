/** A path is noise once it differed in at least this share of a route's recent baselines … */
export const NOISY_SHARE = 0.1;
/** … and in at least this many of them (one odd baseline proves nothing). */
export const NOISY_AT_LEAST = 2;
/** Counts are halved when a route reaches this many baselines, so old noise fades. */
const FADE_AT = 200;

interface RouteNoise {
  baselines: number;
  byPattern: Map<string, number>;
}

/**
 * Which paths of a route's answers are noisy, learned from noise baselines (the monolith compared
 * with itself): like Diffy's noise filter, a difference at such a path says nothing about the
 * service. Per instance, in memory; it fades, so a path that steadies is compared again.
 */
export class NoiseMemory {
  private readonly routes = new Map<string, RouteNoise>();

  baseline(context: string, route: string, noisyPatterns: string[]): void {
    const key = `${context}\u0000${route}`;
    let noise = this.routes.get(key);
    if (!noise) this.routes.set(key, (noise = { baselines: 0, byPattern: new Map() }));
    noise.baselines += 1;
    for (const pattern of noisyPatterns) noise.byPattern.set(pattern, (noise.byPattern.get(pattern) ?? 0) + 1);
    if (noise.baselines >= FADE_AT) {
      noise.baselines /= 2;
      for (const [pattern, count] of noise.byPattern) {
        if (count < 1) noise.byPattern.delete(pattern);
        else noise.byPattern.set(pattern, count / 2);
      }
    }
  }

  /** The route's noisy paths (`$.items[*].reservedUntil`) now. */
  noisyPatterns(context: string, route: string): Set<string> {
    const noise = this.routes.get(`${context}\u0000${route}`);
    if (!noise) return new Set();
    return new Set(
      [...noise.byPattern]
        .filter(([, count]) => count >= NOISY_AT_LEAST && count / noise.baselines >= NOISY_SHARE)
        .map(([pattern]) => pattern),
    );
  }
}
