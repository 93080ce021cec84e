export interface SlidingWindowOptions {
  /** Events allowed per key within the window. */
  limit: number;
  windowMs: number;
  /** Keys kept at most; beyond it the least recently used key is forgotten. Bounds memory under a flood of keys. */
  maxKeys?: number;
  now?: () => number;
}

const DEFAULT_MAX_KEYS = 100_000;

/**
 * Counts events per key over the last `windowMs` (a true sliding window of timestamps, not fixed
 * buckets) and says how long a key must wait once it reached `limit`. In memory: per process.
 */
export class SlidingWindowCounter {
  private readonly events = new Map<string, number[]>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly options: SlidingWindowOptions) {
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds until the key is under its limit again; 0 when it is under it now. */
  retryAfterMs(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.options.limit) return 0;
    return recent[recent.length - this.options.limit] + this.options.windowMs - this.now();
  }

  record(key: string): void {
    const recent = [...this.recent(key), this.now()].slice(-this.options.limit);
    // Re-inserting moves the key to the end: the Map's order is then least recently used first.
    this.events.delete(key);
    this.events.set(key, recent);
    this.evictBeyondCapacity();
  }

  reset(key: string): void {
    this.events.delete(key);
  }

  /** Number of keys held; for tests and diagnostics. */
  get size(): number {
    return this.events.size;
  }

  private recent(key: string): number[] {
    const since = this.now() - this.options.windowMs;
    const recent = (this.events.get(key) ?? []).filter((at) => at > since);
    if (recent.length === 0) this.events.delete(key);
    return recent;
  }

  private evictBeyondCapacity(): void {
    for (const key of this.events.keys()) {
      if (this.events.size <= this.maxKeys) return;
      this.events.delete(key);
    }
  }
}
