import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ControlChannel } from '../control/control-channel.js';
import { BUCKET_COUNT, Histogram } from './histogram.js';

/** Which side answered a strangled context's request. */
export type Side = 'monolith' | 'service';
export const SIDES: readonly Side[] = ['monolith', 'service'];

/** How often each instance writes what it counted. */
export const FLUSH_EVERY_MS = 1000;
/** How long the per-second rows are kept. */
export const KEEP_OUTCOMES_S = 15 * 60;
/** Rows per INSERT: seven bind parameters each, far below PostgreSQL's 65,535 a statement. */
const ROWS_PER_INSERT = 1000;

/** The `Side` of the HTTP contract: a side's figures over a window, summed over every instance. */
export interface SideFigures {
  requests: number;
  errors: number;
  errorRate: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

/** Requests, errors and latencies of one side, added up. */
export class Tally {
  requests = 0;
  errors = 0;
  readonly latency = new Histogram();

  record(ms: number, error: boolean): void {
    this.requests += 1;
    if (error) this.errors += 1;
    this.latency.record(ms);
  }

  add(other: { requests: number; errors: number; latency: { counts: readonly number[] } }): this {
    this.requests += other.requests;
    this.errors += other.errors;
    this.latency.add(other.latency);
    return this;
  }

  figures(): SideFigures {
    return {
      requests: this.requests,
      errors: this.errors,
      errorRate: this.requests === 0 ? 0 : this.errors / this.requests,
      p50Ms: this.latency.quantileMs(0.5),
      p99Ms: this.latency.quantileMs(0.99),
    };
  }
}

export type Window = Record<Side, Tally>;
const emptyWindow = (): Window => ({ monolith: new Tally(), service: new Tally() });

/** Records how a request of a strangled context ended, on the side that answered it. */
export interface OutcomeRecorder {
  record(context: string, side: Side, ms: number, error: boolean): void;
}

interface PendingRow {
  /** Its key in `pending`. */
  key: string;
  context: string;
  side: Side;
  second: Date;
  tally: Tally;
}

interface OutcomeRow {
  second: Date;
  side: Side;
  requests: number;
  errors: number;
  buckets: number[];
}

/**
 * Every instance counts its own outcomes per second of arrival in memory and writes them once a second, one
 * row per instance, second, context and side, then announces it (so the decider looks at once).
 * Reading a window sums the rows of every instance: a decision sees the whole fleet.
 */
export class OutcomeStore implements OutcomeRecorder {
  private readonly logger = new Logger('Outcomes');
  /** `context|side|epochSecond` -> tally not yet written. */
  private pending = new Map<string, Tally>();
  private timer: NodeJS.Timeout | undefined;
  private flushes = 0;
  /** Pruning is left to instances that write: an idle one sends nothing. */
  private wroteSincePrune = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: ControlChannel,
    private readonly instance: string,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flushQuietly(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flushQuietly();
  }

  /**
   * Counts an answer in the second its request arrived (not the one it ended in), so that an answer to
   * a request sent before a route change never counts against the route that came after it.
   */
  record(context: string, side: Side, ms: number, error: boolean): void {
    const key = `${context}|${side}|${Math.floor((this.now() - ms) / 1000)}`;
    let tally = this.pending.get(key);
    if (!tally) this.pending.set(key, (tally = new Tally()));
    tally.record(ms, error);
  }

  /**
   * Writes what was counted (adding to a second already written), a bounded number of rows per statement so that
   * what piled up during an outage still fits in one. What fails to be written is kept for the next try: the
   * statement that failed and those not yet sent, never those already written (they would be added twice).
   */
  async flush(): Promise<void> {
    if ((this.flushes += 1) % 60 === 0 && this.wroteSincePrune) await this.prune();
    if (this.pending.size === 0) return;
    const rows = [...this.pending].map(([key, tally]) => {
      const [context, side, second] = key.split('|') as [string, Side, string];
      return { key, context, side, second: new Date(Number(second) * 1000), tally };
    });
    this.pending = new Map();
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      try {
        await this.insert(rows.slice(start, start + ROWS_PER_INSERT));
      } catch (error) {
        this.keepForTheNextTry(rows.slice(start));
        throw error;
      }
      this.wroteSincePrune = true;
    }
    for (const context of new Set(rows.map((row) => row.context))) await this.channel.announce({ kind: 'outcomes', context });
  }

  private async insert(rows: PendingRow[]): Promise<void> {
    const params: unknown[] = [];
    const values = rows.map(({ context, side, second, tally }) => {
      params.push(context, second, side, this.instance, tally.requests, tally.errors, tally.latency.counts);
      const n = params.length;
      return `($${n - 6}, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n}::integer[])`;
    });
    await this.dataSource.query(
      `INSERT INTO strangler.outcomes (context, second, side, instance, requests, errors, buckets) VALUES ${values.join(', ')}
       ON CONFLICT (context, second, side, instance) DO UPDATE SET
         requests = strangler.outcomes.requests + EXCLUDED.requests,
         errors = strangler.outcomes.errors + EXCLUDED.errors,
         buckets = ARRAY(
           SELECT a + b FROM unnest(strangler.outcomes.buckets, EXCLUDED.buckets) WITH ORDINALITY AS t(a, b, i) ORDER BY i
         )`,
      params,
    );
  }

  /**
   * Puts unwritten rows back, but only seconds still within the retention: older ones would be pruned as soon as
   * written, and keeping them would let a long outage fill the memory.
   */
  private keepForTheNextTry(rows: PendingRow[]): void {
    const oldest = Math.floor(this.now() / 1000) * 1000 - KEEP_OUTCOMES_S * 1000;
    let dropped = 0;
    for (const { key, second, tally } of rows) {
      if (second.getTime() < oldest) dropped += 1;
      else this.pending.set(key, (this.pending.get(key) ?? new Tally()).add(tally));
    }
    if (dropped > 0) this.logger.warn({ dropped }, `outcomes older than ${KEEP_OUTCOMES_S} s dropped unwritten`);
  }

  /** Both sides' figures since `since`, summed over every instance. */
  async window(context: string, since: Date): Promise<Window> {
    const window = emptyWindow();
    for (const row of await this.rows(context, since)) window[row.side].add(toTally(row));
    return window;
  }

  /** Per step of `stepS` seconds from `since`, oldest first, each with both sides' figures. */
  async series(context: string, since: Date, stepS: number, until = new Date()): Promise<Array<{ at: Date; window: Window }>> {
    const stepMs = stepS * 1000;
    const start = Math.floor(since.getTime() / stepMs) * stepMs;
    const steps = Array.from({ length: Math.ceil((until.getTime() - start) / stepMs) }, (_, i) => ({
      at: new Date(start + i * stepMs),
      window: emptyWindow(),
    }));
    for (const row of await this.rows(context, new Date(start))) {
      const step = steps[Math.floor((new Date(row.second).getTime() - start) / stepMs)];
      step?.window[row.side].add(toTally(row));
    }
    return steps;
  }

  private async rows(context: string, since: Date): Promise<OutcomeRow[]> {
    return this.dataSource.query(
      'SELECT second, side, requests, errors, buckets FROM strangler.outcomes WHERE context = $1 AND second >= $2',
      [context, new Date(Math.floor(since.getTime() / 1000) * 1000)],
    );
  }

  private async prune(): Promise<void> {
    this.wroteSincePrune = false;
    await this.dataSource.query(`DELETE FROM strangler.outcomes WHERE second < now() - make_interval(secs => $1)`, [KEEP_OUTCOMES_S]);
  }

  private async flushQuietly(): Promise<void> {
    await this.flush().catch((error: unknown) => this.logger.warn({ err: error }, 'outcomes not written; kept for the next flush'));
  }
}

function toTally(row: OutcomeRow): { requests: number; errors: number; latency: { counts: number[] } } {
  const counts = row.buckets.map(Number);
  return {
    requests: Number(row.requests),
    errors: Number(row.errors),
    latency: { counts: counts.length === BUCKET_COUNT ? counts : pad(counts) },
  };
}

const pad = (counts: number[]): number[] =>
  [...counts, ...new Array<number>(Math.max(0, BUCKET_COUNT - counts.length)).fill(0)].slice(0, BUCKET_COUNT);
