// Load-generation helpers shared by the benchmark scripts: a closed-loop driver for calls that are
// not plain HTTP requests (request-reply echoes, place-then-poll), percentiles and medians.
import { percentile } from '@shop/testing';

export interface LoadFigures {
  /** Completed calls per second over the measured interval. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Completed calls. */
  count: number;
  /** Length of the measured interval. */
  seconds: number;
  /** Calls made, the unmeasured lead-in included (for CPU per call); `count` when there was none. */
  allCalls?: number;
  /** Every call's latency (ms), kept so that slices of one measurement can be combined; dropped once combined. */
  samplesMs?: number[];
}

export interface LoadShape {
  /** Calls kept in flight at once. */
  concurrency: number;
  /** Stop after this many calls … */
  calls?: number;
  /** … or stop starting new calls after this long (the calls in flight then still complete). */
  durationMs?: number;
}

export { percentile };

/** Figures of one run from its latencies (ms) and its length (s); the latencies are kept with them. */
export function figuresOf(latenciesMs: number[], seconds: number): LoadFigures {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    perSecond: sorted.length / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    count: sorted.length,
    seconds,
    samplesMs: sorted,
  };
}

/** One measurement made of several slices (interleaved with other variants' slices): all calls over all slices' time. */
export function combine(slices: LoadFigures[]): LoadFigures {
  const samples = slices.flatMap((slice) => slice.samplesMs ?? []);
  const { samplesMs: _dropped, ...figures } = figuresOf(
    samples,
    slices.reduce((sum, slice) => sum + slice.seconds, 0),
  );
  return { ...figures, allCalls: slices.reduce((sum, slice) => sum + (slice.allCalls ?? slice.count), 0) };
}

/**
 * Runs `call` with `concurrency` calls in flight (closed loop: each worker starts its next call when
 * the previous one answered), for `calls` calls or `durationMs`; returns throughput and latency
 * percentiles. Number arguments keep the older signature: `measure(call, calls, concurrency)`.
 */
export async function measure(call: () => Promise<unknown>, shape: LoadShape | number, concurrency?: number): Promise<LoadFigures> {
  const {
    calls,
    durationMs,
    concurrency: inFlight,
  } = typeof shape === 'number' ? { calls: shape, durationMs: undefined, concurrency: concurrency ?? 1 } : shape;
  if (calls === undefined && durationMs === undefined) throw new Error('measure needs calls or durationMs');
  const latencies: number[] = [];
  let started = 0;
  const begin = process.hrtime.bigint();
  const deadline = durationMs === undefined ? undefined : begin + BigInt(Math.round(durationMs * 1e6));
  const more = () => (calls === undefined || started < calls) && (deadline === undefined || process.hrtime.bigint() < deadline);
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (more()) {
        started += 1;
        const t0 = process.hrtime.bigint();
        await call();
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  return figuresOf(latencies, Number(process.hrtime.bigint() - begin) / 1e9);
}

/** The median (upper median for an even count), as every table of these scripts reports rounds. */
export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every `everyMs` until it holds; throws after `timeoutMs`. */
export async function waitUntil(
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what = 'condition',
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}
