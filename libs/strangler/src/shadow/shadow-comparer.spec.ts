import { ShadowComparer } from './shadow-comparer.js';
import { differencesBetween, normalise } from './shadow-rules.js';

/** A read of route GetThing in context c, nothing ignored unless said. */
const aRead = (read: Pick<Parameters<ShadowComparer['compare']>[0], 'primary' | 'shadow' | 'reread'> & { ignore?: string[] }) => ({
  context: 'c',
  route: 'GetThing',
  ignore: [],
  ...read,
});

describe('shadow comparison', () => {
  it('drops ignored fields at any depth', () => {
    expect(normalise({ a: 1, updatedAt: 'x', items: [{ b: 2, updatedAt: 'y' }] }, ['updatedAt'])).toEqual({ a: 1, items: [{ b: 2 }] });
  });

  it('names every differing path', () => {
    expect(differencesBetween({ a: 1, b: [1, 2], c: { d: 'x' } }, { a: 1, b: [1, 3], c: { d: 'y' }, e: true })).toEqual([
      '$.b[1]: 2 ≠ 3',
      '$.c.d: "x" ≠ "y"',
      '$.e: undefined ≠ true',
    ]);
    expect(differencesBetween([1], { 0: 1 })).toEqual(['$: [1] ≠ {"0":1}']);
  });

  it('counts a match when the answers agree but for ignored fields', async () => {
    const comparer = new ShadowComparer();
    const outcome = await comparer.compare(
      aRead({
        ignore: ['at'],
        primary: { id: 1, at: 'now' },
        shadow: async () => ({ id: 1, at: 'later' }),
        reread: async () => ({ id: 1, at: 'now' }),
      }),
    );
    expect(outcome).toBe('match');
    expect(comparer.snapshot()).toEqual({ c: { GetThing: { matches: 1, mismatches: 0, unavailable: 0 } } });
  });

  it('forgives a difference that a fresh monolith read explains (the data moved between reads)', async () => {
    const comparer = new ShadowComparer();
    const outcome = await comparer.compare(
      aRead({
        primary: { status: 'PENDING' },
        shadow: async () => ({ status: 'CONFIRMED' }),
        reread: async () => ({ status: 'CONFIRMED' }),
      }),
    );
    expect(outcome).toBe('match');
  });

  it('forgives a saga that moves twice between the reads, once both sides settle', async () => {
    const comparer = new ShadowComparer();
    const monolith = ['RESERVED', 'CONFIRMED'];
    const service = ['CONFIRMED'];
    const outcome = await comparer.compare(
      aRead({
        primary: { status: 'PENDING' },
        shadow: async () => ({ status: service.shift() ?? 'CONFIRMED' }),
        reread: async () => ({ status: monolith.shift() ?? 'CONFIRMED' }),
      }),
    );
    expect(outcome).toBe('match');
  });

  it('counts a mismatch that survives every re-check round, asking both sides again each round', async () => {
    const comparer = new ShadowComparer();
    let shadowCalls = 0;
    let rereads = 0;
    const outcome = await comparer.compare(
      aRead({
        primary: { status: 'CONFIRMED', total: 10 },
        shadow: async () => ((shadowCalls += 1), { status: 'CONFIRMED', total: 11 }),
        reread: async () => ((rereads += 1), { status: 'CONFIRMED', total: 10 }),
      }),
    );
    expect(outcome).toBe('mismatch');
    expect({ shadowCalls, rereads }).toEqual({ shadowCalls: 4, rereads: 4 });
  });

  it('counts a mismatch when the monolith moved and settled but the service stayed behind', async () => {
    const comparer = new ShadowComparer();
    const outcome = await comparer.compare(
      aRead({
        primary: { status: 'PENDING' },
        shadow: async () => ({ status: 'RESERVED' }),
        reread: async () => ({ status: 'CONFIRMED' }),
      }),
    );
    expect(outcome).toBe('mismatch');
  });

  it('takes a field the monolith changes with every answer for noise, not for a mismatch', async () => {
    const comparer = new ShadowComparer();
    let tick = 0;
    const outcome = await comparer.compare(
      aRead({
        primary: { id: 1, tick: (tick += 1) },
        shadow: async () => ({ id: 1, tick: 0 }),
        reread: async () => ({ id: 1, tick: (tick += 1) }),
      }),
    );
    expect(outcome).toBe('match');
  });

  it('counts a mismatch that survives the re-check', async () => {
    const comparer = new ShadowComparer();
    const outcome = await comparer.compare(
      aRead({
        primary: { total: 10 },
        shadow: async () => ({ total: 11 }),
        reread: async () => ({ total: 10 }),
      }),
    );
    expect(outcome).toBe('mismatch');
    expect(comparer.snapshot().c!.GetThing).toEqual({ matches: 0, mismatches: 1, unavailable: 0 });
  });

  it('counts an unanswered mirror as unavailable, not as a mismatch', async () => {
    const comparer = new ShadowComparer();
    const outcome = await comparer.compare(
      aRead({
        primary: {},
        shadow: () => Promise.reject(new Error('timeout')),
        reread: async () => ({}),
      }),
    );
    expect(outcome).toBe('unavailable');
    expect(comparer.snapshot().c!.GetThing).toEqual({ matches: 0, mismatches: 0, unavailable: 1 });
  });
});
