import { SlidingWindowCounter } from './sliding-window-counter.js';

describe('SlidingWindowCounter', () => {
  let clock: number;
  const counter = (options: { limit: number; windowMs: number; maxKeys?: number }) =>
    new SlidingWindowCounter({ ...options, now: () => clock });

  beforeEach(() => {
    clock = 1_000_000;
  });

  it('lets a key through until it reaches the limit', () => {
    const window = counter({ limit: 3, windowMs: 10_000 });
    window.record('k');
    window.record('k');
    expect(window.retryAfterMs('k')).toBe(0);
    window.record('k');
    expect(window.retryAfterMs('k')).toBeGreaterThan(0);
  });

  it('says to wait until the oldest counted event leaves the window', () => {
    const window = counter({ limit: 2, windowMs: 10_000 });
    window.record('k');
    clock += 4_000;
    window.record('k');
    clock += 1_000;
    expect(window.retryAfterMs('k')).toBe(5_000);
  });

  it('slides: events older than the window stop counting one by one', () => {
    const window = counter({ limit: 2, windowMs: 10_000 });
    window.record('k');
    clock += 4_000;
    window.record('k');
    clock += 6_000;
    expect(window.retryAfterMs('k')).toBe(0);
    window.record('k');
    expect(window.retryAfterMs('k')).toBe(4_000);
  });

  it('counts each key on its own', () => {
    const window = counter({ limit: 1, windowMs: 10_000 });
    window.record('a');
    expect(window.retryAfterMs('a')).toBeGreaterThan(0);
    expect(window.retryAfterMs('b')).toBe(0);
  });

  it('forgets a key on reset', () => {
    const window = counter({ limit: 1, windowMs: 10_000 });
    window.record('k');
    window.reset('k');
    expect(window.retryAfterMs('k')).toBe(0);
  });

  it('drops keys whose events all expired', () => {
    const window = counter({ limit: 5, windowMs: 10_000 });
    window.record('k');
    clock += 10_000;
    expect(window.retryAfterMs('k')).toBe(0);
    expect(window.size).toBe(0);
  });

  it('keeps at most maxKeys keys, forgetting the least recently used', () => {
    const window = counter({ limit: 1, windowMs: 10_000, maxKeys: 2 });
    window.record('a');
    window.record('b');
    window.record('a');
    window.record('c');
    expect(window.size).toBe(2);
    expect(window.retryAfterMs('b')).toBe(0);
    expect(window.retryAfterMs('a')).toBeGreaterThan(0);
    expect(window.retryAfterMs('c')).toBeGreaterThan(0);
  });
});
