import { ShadowComparer, type MismatchSample, type ShadowSink, type ShadowTally } from './shadow-comparer.js';
import { ShadowMirror, type MirroredRead } from './shadow-mirror.js';
import type { ShadowSettingsValue } from './shadow-settings.js';

/** Sums what the comparer and the mirror tell it, as ShadowStore does before it writes. */
class SummingSink implements ShadowSink {
  readonly sums: ShadowTally = { compared: 0, matches: 0, mismatches: 0, baselines: 0, noise: 0, dropped: 0, unavailable: 0 };
  readonly samples: MismatchSample[] = [];

  tally(_context: string, _route: string, tally: Partial<ShadowTally>): void {
    for (const [key, value] of Object.entries(tally)) this.sums[key as keyof ShadowTally] += value;
  }

  mismatch(sample: MismatchSample): void {
    this.samples.push(sample);
  }
}

const settings = (overrides: Partial<ShadowSettingsValue> = {}) => {
  const value: ShadowSettingsValue = { samplePercent: 100, noisePercent: 0, ignore: [], unordered: [], ...overrides };
  return { get: () => value };
};

const read = (overrides: Partial<MirroredRead> = {}): MirroredRead => ({
  context: 'c',
  route: 'c.GetThing.v1',
  primary: { id: 1 },
  shadow: async () => ({ id: 1 }),
  reread: async () => ({ id: 1 }),
  requestId: 'req-1',
  ...overrides,
});

describe('the shadow mirror', () => {
  it('drops and counts a mirror that finds the bulkhead and its queue full, at once', async () => {
    const sink = new SummingSink();
    const mirror = new ShadowMirror(new ShadowComparer(sink), settings(), sink, { concurrency: 2, queue: 3 });
    const releases: Array<() => void> = [];
    const slow = () => read({ shadow: () => new Promise((resolve) => releases.push(() => resolve({ id: 1 }))) });

    const accepted = Array.from({ length: 5 }, () => mirror.mirror(slow()));
    const started = Date.now();
    const overflow = await Promise.all([mirror.mirror(slow()), mirror.mirror(slow())]);

    expect(overflow).toEqual(['dropped', 'dropped']);
    expect(Date.now() - started).toBeLessThan(50);
    expect(sink.sums.dropped).toBe(2);
    expect(releases).toHaveLength(2); // two running, three waiting
    while (sink.sums.compared < 5) {
      releases.splice(0).forEach((release) => release());
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await Promise.all(accepted)).toEqual(['match', 'match', 'match', 'match', 'match']);
    expect(sink.sums).toMatchObject({ compared: 5, matches: 5, dropped: 2 });
  });

  it('mirrors only the sampled share of reads', async () => {
    const sink = new SummingSink();
    let draw = 0;
    // 0.00, 0.01, … 0.99: exactly the reads drawn under 0.25 are mirrored.
    const random = () => (draw++ % 100) / 100;
    const mirror = new ShadowMirror(
      new ShadowComparer(sink),
      settings({ samplePercent: 25 }),
      sink,
      { concurrency: 8, queue: 100 },
      random,
    );

    const outcomes = [];
    for (let i = 0; i < 100; i += 1) outcomes.push(await mirror.mirror(read()));

    expect(outcomes.filter((outcome) => outcome === 'match')).toHaveLength(25);
    expect(outcomes.filter((outcome) => outcome === 'skipped')).toHaveLength(75);
    expect(sink.sums.compared).toBe(25);
  });

  it('takes a noise baseline on the noise share, counted apart from the comparison', async () => {
    const sink = new SummingSink();
    let clock = 0;
    const mirror = new ShadowMirror(new ShadowComparer(sink), settings({ noisePercent: 100, ignore: ['$.at'] }), sink, {
      concurrency: 1,
      queue: 10,
    });
    const monolith = () => ({ id: 1, at: 'ignored', tick: (clock += 1) });

    const outcome = await mirror.mirror(
      read({ primary: monolith(), reread: async () => monolith(), shadow: async () => ({ id: 1, at: 'x' }) }),
    );

    // The monolith differs from itself at $.tick (noise); the service lacks it, which is noise too, not a mismatch.
    expect(outcome).toBe('match');
    expect(sink.sums).toMatchObject({ baselines: 1, noise: 1, compared: 1, matches: 1, mismatches: 0 });
  });

  it('reports a steady monolith as no noise, and a mismatch with its noisy paths marked', async () => {
    const sink = new SummingSink();
    const comparer = new ShadowComparer(sink);
    let clock = 0;
    const monolith = () => ({ id: 1, total: 10, tick: (clock += 1) });
    // Two baselines teach the comparer that $.tick is noise.
    for (let i = 0; i < 2; i += 1)
      await comparer.baseline({ context: 'c', route: 'r', rules: [], primary: monolith(), reread: async () => monolith() });
    expect(comparer.noise.noisyPatterns('c', 'r')).toEqual(new Set(['$.tick']));

    const outcome = await comparer.compare({
      context: 'c',
      route: 'r',
      ignore: [],
      primary: monolith(),
      shadow: async () => ({ id: 1, total: 11, tick: 0 }),
      reread: async () => monolith(),
      requestId: 'req-9',
    });

    expect(outcome).toBe('mismatch');
    expect(sink.samples).toHaveLength(1);
    expect(sink.samples[0]).toMatchObject({ requestId: 'req-9' });
    expect(sink.samples[0]!.differences.map(({ pattern, noisy }) => [pattern, noisy])).toEqual([
      ['$.total', false],
      ['$.tick', true],
    ]);
    expect(sink.sums).toMatchObject({ baselines: 2, noise: 2, mismatches: 1 });

    const steady = await comparer.baseline({ context: 'c', route: 'r2', rules: [], primary: { id: 1 }, reread: async () => ({ id: 1 }) });
    expect(steady).toBe('steady');
    expect(sink.sums.noise).toBe(2);
  });
});
