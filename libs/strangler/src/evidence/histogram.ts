/** Upper bounds (ms) of the fixed latency buckets; one more bucket holds everything slower. */
export const BUCKET_BOUNDS_MS = [
  1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1200, 1500, 2000,
  2500, 3000, 4000, 5000,
] as const;
export const BUCKET_COUNT = BUCKET_BOUNDS_MS.length + 1;
/**
 * The slowest latency the histogram tells apart: a quantile among slower answers is reported as this, so a bound
 * on a quantile must lie below it to ever be exceeded.
 */
export const TOP_BOUND_MS: number = BUCKET_BOUNDS_MS[BUCKET_BOUNDS_MS.length - 1]!;

/**
 * A latency histogram over fixed buckets: cheap to count into, and histograms of different
 * instances and seconds add up bucket by bucket, so a quantile over the whole fleet is exact to a
 * bucket's width (linear within the bucket).
 */
export class Histogram {
  readonly counts: number[];

  constructor(counts?: readonly number[]) {
    this.counts = counts ? [...counts] : new Array<number>(BUCKET_COUNT).fill(0);
    if (this.counts.length !== BUCKET_COUNT) throw new Error(`a histogram has ${BUCKET_COUNT} buckets, not ${this.counts.length}`);
  }

  get total(): number {
    return this.counts.reduce((sum, count) => sum + count, 0);
  }

  record(ms: number): void {
    const index = BUCKET_BOUNDS_MS.findIndex((bound) => ms <= bound);
    this.counts[index === -1 ? BUCKET_COUNT - 1 : index]! += 1;
  }

  add(other: { counts: readonly number[] }): this {
    other.counts.forEach((count, i) => (this.counts[i]! += count));
    return this;
  }

  /** The latency under which a share `q` (0..1) of the requests fell; null with no requests. */
  quantileMs(q: number): number | null {
    const total = this.total;
    if (total === 0) return null;
    const rank = Math.max(q * total, Number.MIN_VALUE);
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i += 1) {
      const count = this.counts[i]!;
      if (count > 0 && seen + count >= rank) {
        const lower = i === 0 ? 0 : BUCKET_BOUNDS_MS[i - 1]!;
        if (i === BUCKET_COUNT - 1) return lower;
        const upper = BUCKET_BOUNDS_MS[i]!;
        return round(lower + ((upper - lower) * (rank - seen)) / count);
      }
      seen += count;
    }
    return TOP_BOUND_MS;
  }
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
