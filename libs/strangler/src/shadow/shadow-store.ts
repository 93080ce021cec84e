import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { redact } from './redaction.js';
import { EMPTY_TALLY, type MismatchSample, type ShadowSink, type ShadowTally } from './shadow-comparer.js';

/** A route's (or a context's) counts summed over every instance, with the noise rate of its baselines. */
export interface ShadowSums extends ShadowTally {
  /** noise / baselines; null before any baseline. */
  noiseRate: number | null;
}

/** A stored mismatch, as the admin API serves it. */
export interface ShadowSampleView {
  at: string;
  route: string;
  requestId: string | null;
  /** Where the answers differ, every index as `[*]` (as a rule names it). */
  paths: string[];
  /** The same, as they were in these answers. */
  concretePaths: string[];
  /** Those of `paths` that were noise (the monolith differed from itself there): not what made it a mismatch. */
  noisyPaths: string[];
  /** Both answers, secrets and personal fields redacted. */
  monolith: unknown;
  service: unknown;
}

export interface ShadowStoreOptions {
  /** Per-second rows older than this are pruned. */
  retentionMs: number;
  /** The latest samples kept per route. */
  samplesPerRoute: number;
  /** How often this instance writes what it counted. */
  flushEveryMs: number;
}

const TALLY_COLUMNS = ['compared', 'matches', 'mismatches', 'baselines', 'noise', 'dropped', 'unavailable'] as const;
/** Pruning of old rows runs at most this often, and only on an instance that wrote since. */
const PRUNE_EVERY_MS = 60_000;
/** Paths kept per sample, at most. */
const MAX_PATHS = 50;

/** What one instance counted in one second for one route. */
interface CountRow {
  second: number;
  context: string;
  route: string;
  tally: ShadowTally;
}

interface PendingSample extends MismatchSample {
  paths: string[];
  concretePaths: string[];
  noisyPaths: string[];
}

/**
 * The shadow's counts and samples, shared by the fleet in the `strangler` schema. Every instance
 * adds what it counted to a row per second, context and route of its own (`shadow_counts`), written
 * on a short timer (one statement for all rows), so a reader sums the whole fleet; rows older than
 * the retention are pruned. Mismatch samples are redacted as they are taken, buffered (the latest
 * few per route) and written on the same timer; the table keeps the latest `samplesPerRoute` per route.
 * A failed write keeps what it could not write for the next one.
 */
export class ShadowStore implements ShadowSink {
  private readonly logger = new Logger('ShadowStore');
  private counts = new Map<string, CountRow>();
  private samples = new Map<string, PendingSample[]>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private lastPrune = 0;
  private wroteSincePrune = false;

  constructor(
    private readonly dataSource: DataSource,
    readonly instanceId: string,
    private readonly options: ShadowStoreOptions,
  ) {}

  start(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.flush().catch(() => undefined), this.options.flushEveryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush().catch((error: unknown) => this.logger.warn({ err: error }, 'last shadow counts not written'));
  }

  tally(context: string, route: string, tally: Partial<ShadowTally>): void {
    this.add(Math.floor(Date.now() / 1000), context, route, tally);
  }

  private add(second: number, context: string, route: string, tally: Partial<ShadowTally>): void {
    const key = `${second}\u0000${context}\u0000${route}`;
    let row = this.counts.get(key);
    if (!row) this.counts.set(key, (row = { second, context, route, tally: { ...EMPTY_TALLY } }));
    for (const column of TALLY_COLUMNS) row.tally[column] += tally[column] ?? 0;
  }

  mismatch(sample: MismatchSample): void {
    const key = `${sample.context}\u0000${sample.route}`;
    const pending = this.samples.get(key) ?? [];
    const differences = sample.differences.slice(0, MAX_PATHS);
    pending.push({
      ...sample,
      paths: [...new Set(differences.map(({ pattern }) => pattern))],
      concretePaths: differences.map(({ path }) => path),
      noisyPaths: [...new Set(differences.filter(({ noisy }) => noisy).map(({ pattern }) => pattern))],
      monolith: redact(sample.monolith),
      service: redact(sample.service),
    });
    this.samples.set(key, pending.slice(-this.options.samplesPerRoute));
  }

  /** Writes what this instance counted and sampled since the last write (one write at a time). */
  flush(): Promise<void> {
    const next = this.writing.then(() => this.write());
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** Fleet-wide sums per context and route: `{ context: { route: sums } }`, since a moment or over the retention. */
  async byRoute(since?: Date): Promise<Record<string, Record<string, ShadowSums>>> {
    const rows: Array<Record<string, string>> = await this.dataSource.query(
      `SELECT context, route, ${TALLY_COLUMNS.map((column) => `sum(${column})::bigint AS ${column}`).join(', ')}
         FROM strangler.shadow_counts WHERE $1::timestamptz IS NULL OR second >= $1 GROUP BY context, route ORDER BY context, route`,
      [since ?? null],
    );
    const sums: Record<string, Record<string, ShadowSums>> = {};
    for (const row of rows) (sums[row.context!] ??= {})[row.route!] = toSums(row);
    return sums;
  }

  /** Fleet-wide sums of one context over all its routes, since `sinceMs` (epoch milliseconds) or over the retention. */
  async sums(context: string, sinceMs?: number): Promise<ShadowSums> {
    const [row]: Array<Record<string, string>> = await this.dataSource.query(
      `SELECT ${TALLY_COLUMNS.map((column) => `coalesce(sum(${column}), 0)::bigint AS ${column}`).join(', ')}
         FROM strangler.shadow_counts WHERE context = $1 AND ($2::timestamptz IS NULL OR second >= $2)`,
      [context, sinceMs === undefined ? null : new Date(sinceMs)],
    );
    return toSums(row!);
  }

  /** The latest samples of a context (of one route), newest first. */
  async samplesOf(context: string, options: { route?: string; limit: number }): Promise<ShadowSampleView[]> {
    const rows: Array<{
      at: Date;
      route: string;
      request_id: string | null;
      paths: string[];
      concrete_paths: string[];
      noisy_paths: string[];
      monolith: unknown;
      service: unknown;
    }> = await this.dataSource.query(
      `SELECT at, route, request_id, paths, concrete_paths, noisy_paths, monolith, service FROM strangler.shadow_samples
        WHERE context = $1 AND ($2::text IS NULL OR route = $2) ORDER BY id DESC LIMIT $3`,
      [context, options.route ?? null, options.limit],
    );
    return rows.map((row) => ({
      at: new Date(row.at).toISOString(),
      route: row.route,
      requestId: row.request_id,
      paths: row.paths,
      concretePaths: row.concrete_paths,
      noisyPaths: row.noisy_paths,
      monolith: row.monolith,
      service: row.service,
    }));
  }

  private async write(): Promise<void> {
    const counts = [...this.counts.values()];
    const samples = [...this.samples.values()].flat();
    this.counts = new Map();
    this.samples = new Map();
    try {
      if (counts.length > 0) await this.writeCounts(counts);
    } catch (error) {
      counts.forEach(({ second, context, route, tally }) => this.add(second, context, route, tally));
      samples.forEach((sample) => this.requeue(sample));
      throw this.failed(error);
    }
    try {
      if (samples.length > 0) await this.writeSamples(samples);
    } catch (error) {
      samples.forEach((sample) => this.requeue(sample));
      throw this.failed(error);
    }
    if (counts.length + samples.length > 0) this.wroteSincePrune = true;
    if (this.wroteSincePrune && Date.now() - this.lastPrune >= PRUNE_EVERY_MS) await this.prune();
  }

  private async writeCounts(rows: CountRow[]): Promise<void> {
    const columns = TALLY_COLUMNS.join(', ');
    await this.dataSource.query(
      `INSERT INTO strangler.shadow_counts (instance, context, route, second, ${columns})
       SELECT $1, t.context, t.route, to_timestamp(t.epoch), ${TALLY_COLUMNS.map((column) => `t.${column}`).join(', ')}
         FROM unnest($2::text[], $3::text[], $4::bigint[], ${TALLY_COLUMNS.map((_, i) => `$${i + 5}::int[]`).join(', ')})
           AS t(context, route, epoch, ${columns})
       ON CONFLICT (context, route, second, instance) DO UPDATE SET
         ${TALLY_COLUMNS.map((column) => `${column} = shadow_counts.${column} + EXCLUDED.${column}`).join(', ')}`,
      [
        this.instanceId,
        rows.map((row) => row.context),
        rows.map((row) => row.route),
        rows.map((row) => row.second),
        ...TALLY_COLUMNS.map((column) => rows.map((row) => row.tally[column])),
      ],
    );
  }

  private async writeSamples(samples: PendingSample[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // One writer at a time: each one's pruning then sees the others' samples, and the bound holds.
      await manager.query("SELECT pg_advisory_xact_lock(hashtext('strangler.shadow_samples'))");
      for (const sample of samples) {
        await manager.query(
          `INSERT INTO strangler.shadow_samples
             (context, route, instance, at, request_id, paths, concrete_paths, noisy_paths, monolith, service)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            sample.context,
            sample.route,
            this.instanceId,
            sample.at,
            sample.requestId ?? null,
            JSON.stringify(sample.paths),
            JSON.stringify(sample.concretePaths),
            JSON.stringify(sample.noisyPaths),
            JSON.stringify(sample.monolith ?? null),
            JSON.stringify(sample.service ?? null),
          ],
        );
      }
      const routes = [...new Map(samples.map((sample) => [`${sample.context}\u0000${sample.route}`, sample])).values()];
      for (const { context, route } of routes) {
        await manager.query(
          `DELETE FROM strangler.shadow_samples WHERE context = $1 AND route = $2 AND id NOT IN
             (SELECT id FROM strangler.shadow_samples WHERE context = $1 AND route = $2 ORDER BY id DESC LIMIT $3)`,
          [context, route, this.options.samplesPerRoute],
        );
      }
    });
  }

  private async prune(): Promise<void> {
    await this.dataSource.query(
      'DELETE FROM strangler.shadow_counts WHERE second < now() - make_interval(secs => $1::double precision / 1000)',
      [this.options.retentionMs],
    );
    this.lastPrune = Date.now();
    this.wroteSincePrune = false;
  }

  private requeue(sample: PendingSample): void {
    const key = `${sample.context}\u0000${sample.route}`;
    const pending = [sample, ...(this.samples.get(key) ?? [])];
    this.samples.set(key, pending.slice(-this.options.samplesPerRoute));
  }

  private failed(error: unknown): unknown {
    this.logger.warn({ err: error }, 'shadow counts not written; kept for the next write');
    return error;
  }
}

function toSums(row: Record<string, string>): ShadowSums {
  const tally = Object.fromEntries(TALLY_COLUMNS.map((column) => [column, Number(row[column] ?? 0)])) as unknown as ShadowTally;
  return { ...tally, noiseRate: tally.baselines > 0 ? tally.noise / tally.baselines : null };
}
