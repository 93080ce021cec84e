import { BUCKET_COUNT, Histogram } from './histogram.js';

describe('Histogram', () => {
  it('has no quantile without requests', () => {
    expect(new Histogram().quantileMs(0.99)).toBeNull();
  });

  it('puts the p50 and p99 of known latencies within their bucket', () => {
    const histogram = new Histogram();
    for (let i = 1; i <= 1000; i += 1) histogram.record(i % 100 === 0 ? 900 : 10);
    expect(histogram.total).toBe(1000);
    expect(histogram.quantileMs(0.5)).toBeGreaterThan(8);
    expect(histogram.quantileMs(0.5)).toBeLessThanOrEqual(10);
    // 1% of the requests took 900 ms: the p99 is the edge of the fast ones, the p99.9 among the slow.
    expect(histogram.quantileMs(0.99)).toBeLessThanOrEqual(10);
    expect(histogram.quantileMs(0.999)).toBeGreaterThan(800);
    expect(histogram.quantileMs(0.999)).toBeLessThanOrEqual(1000);
  });

  it('sees a slow tail once it is more than 1% of the requests', () => {
    const histogram = new Histogram();
    for (let i = 0; i < 97; i += 1) histogram.record(20);
    for (let i = 0; i < 3; i += 1) histogram.record(450);
    expect(histogram.quantileMs(0.99)).toBeGreaterThan(400);
  });

  it('adds up histograms of several instances bucket by bucket', () => {
    const a = new Histogram();
    const b = new Histogram();
    a.record(5);
    b.record(5);
    b.record(7000);
    const sum = new Histogram(a.counts).add(b);
    expect(sum.total).toBe(3);
    expect(sum.counts[BUCKET_COUNT - 1]).toBe(1);
    expect(sum.quantileMs(1)).toBe(5000);
  });

  it('refuses counts of another layout', () => {
    expect(() => new Histogram([1, 2, 3])).toThrow(/buckets/);
  });
});
