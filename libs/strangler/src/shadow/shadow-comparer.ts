import { setTimeout } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { RequestContext } from '@shop/platform';
import { NoiseMemory } from './noise-memory.js';
import { differences, normalise, type Difference, type ShadowRules } from './shadow-rules.js';

export interface ShadowCounts {
  matches: number;
  mismatches: number;
  /** The service could not answer the mirrored read (not a mismatch: nothing to compare). */
  unavailable: number;
}

/** What one mirrored read (or one noise baseline) adds to a route's counts. */
export interface ShadowTally {
  /** Reads both sides answered: matches + mismatches. */
  compared: number;
  matches: number;
  mismatches: number;
  /** Noise baselines taken: the monolith compared with itself. */
  baselines: number;
  /** Baselines where the monolith's two answers differed. */
  noise: number;
  /** Mirrors not made because the shadow's queue was full. */
  dropped: number;
  unavailable: number;
}

export const EMPTY_TALLY: Readonly<ShadowTally> = Object.freeze({
  compared: 0,
  matches: 0,
  mismatches: 0,
  baselines: 0,
  noise: 0,
  dropped: 0,
  unavailable: 0,
});

/** A mismatch as it is kept: where the answers differ, and both answers (redacted before they are stored). */
export interface MismatchSample {
  context: string;
  route: string;
  requestId: string | undefined;
  at: Date;
  differences: Array<Difference & { noisy: boolean }>;
  monolith: unknown;
  service: unknown;
}

/** Where the comparer's outcomes go (ShadowStore: summed over the fleet, samples kept). */
export interface ShadowSink {
  tally(context: string, route: string, tally: Partial<ShadowTally>): void;
  mismatch(sample: MismatchSample): void;
}

const MAX_DIFFERENCES_LOGGED = 20;
/** Rounds of re-reading both sides before a difference counts; each waits a little longer for the data to settle. */
const RECHECK_ROUNDS = 3;
const RECHECK_PAUSE_MS = 25;

/**
 * Compares the monolith's answer to a read with the service's answer to the same read, after
 * dropping what the rules ignore and sorting the arrays they call unordered. The data may move
 * between the two reads (a saga takes several steps), so a difference is re-checked: first a fresh
 * monolith answer against the service's, then fresh answers from both sides, a few rounds apart.
 * Only a difference that survives every round is a mismatch: a real regression differs in every
 * round, a moving saga settles.
 *
 * Noise (as Diffy measures it): a baseline compares the monolith with itself; paths that differ
 * there often (NoiseMemory) are left out of the comparison, and so is a path whose value the
 * monolith was still changing between its last two answers when the re-check ended. Counts are kept per context and route here
 * and handed to the sink.
 */
export class ShadowComparer {
  private readonly logger = new Logger('Shadow');
  private readonly counts = new Map<string, Map<string, ShadowCounts>>();
  readonly noise = new NoiseMemory();

  constructor(private readonly sink?: ShadowSink) {}

  async compare(input: {
    context: string;
    route: string;
    /** Bare field names (a descriptor's `shadowIgnores`) or full rules. */
    ignore: string[] | ShadowRules;
    primary: unknown;
    shadow: () => Promise<unknown>;
    reread: () => Promise<unknown>;
    /** The request the read served (the mirror may run after its context is gone). */
    requestId?: string;
  }): Promise<'match' | 'mismatch' | 'unavailable'> {
    const { context, route } = input;
    const rules = input.ignore;
    const counts = this.countsFor(context, route);
    let shadow: unknown;
    try {
      shadow = await input.shadow();
    } catch {
      counts.unavailable += 1;
      this.sink?.tally(context, route, { unavailable: 1 });
      return 'unavailable';
    }
    const learned = this.noise.noisyPatterns(context, route);
    /** Paths where the monolith's last two answers differed: still moving when the comparison ended. */
    let unsteady = new Set<string>();
    const differ = (monolith: unknown, service: unknown) =>
      differences(normalise(monolith, rules), normalise(service, rules)).filter(({ pattern }) => !learned.has(pattern));
    const freshMonolith = async (previous: unknown) => {
      const fresh = await input.reread().catch(() => previous);
      unsteady = new Set(differences(normalise(previous, rules), normalise(fresh, rules)).map(({ pattern }) => pattern));
      return fresh;
    };
    let monolith = input.primary;
    let found = differ(monolith, shadow);
    if (found.length > 0) found = differ((monolith = await freshMonolith(monolith)), shadow);
    for (let round = 1; found.length > 0 && round <= RECHECK_ROUNDS; round += 1) {
      await setTimeout(RECHECK_PAUSE_MS * round);
      shadow = await input.shadow().catch(() => shadow);
      found = differ((monolith = await freshMonolith(monolith)), shadow);
    }
    // What the monolith itself was still changing is noise, not the service's fault; what it settled on counts.
    if (found.every(({ pattern }) => unsteady.has(pattern))) {
      counts.matches += 1;
      this.sink?.tally(context, route, { compared: 1, matches: 1 });
      return 'match';
    }
    counts.mismatches += 1;
    this.sink?.tally(context, route, { compared: 1, mismatches: 1 });
    const requestId = input.requestId ?? RequestContext.requestId();
    const all = differences(normalise(monolith, rules), normalise(shadow, rules));
    const noisy = (pattern: string) => learned.has(pattern) || unsteady.has(pattern);
    this.sink?.mismatch({
      context,
      route,
      requestId,
      at: new Date(),
      differences: all.map((difference) => ({ ...difference, noisy: noisy(difference.pattern) })),
      monolith,
      service: shadow,
    });
    this.logger.warn(
      {
        context,
        route,
        requestId,
        differences: found.slice(0, MAX_DIFFERENCES_LOGGED).map(({ path }) => path),
      },
      'shadow read mismatch between monolith and service',
    );
    return 'mismatch';
  }

  /**
   * A noise baseline: the monolith's answer against a second monolith answer to the same read.
   * Whatever differs there is noise (timing, ordering, clocks), counted apart and remembered per path.
   */
  async baseline(input: {
    context: string;
    route: string;
    rules: ShadowRules | string[];
    primary: unknown;
    reread: () => Promise<unknown>;
  }): Promise<'steady' | 'noise' | 'unavailable'> {
    let second: unknown;
    try {
      second = await input.reread();
    } catch {
      return 'unavailable';
    }
    const patterns = [
      ...new Set(differences(normalise(input.primary, input.rules), normalise(second, input.rules)).map(({ pattern }) => pattern)),
    ];
    this.noise.baseline(input.context, input.route, patterns);
    this.sink?.tally(input.context, input.route, { baselines: 1, noise: patterns.length > 0 ? 1 : 0 });
    return patterns.length > 0 ? 'noise' : 'steady';
  }

  /** `{ context: { route: counts } }` of this instance alone. */
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
