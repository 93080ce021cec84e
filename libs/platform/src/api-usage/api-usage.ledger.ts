import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Page, PageRequest } from '../http/pagination.js';

/** One call of a counted API: which API, which version, and who (the token's subject). */
export interface ApiCall {
  api: string;
  version: string;
  clientId: string;
}

/** What the ledger knows of one client of one API version, over every instance. */
export interface ApiUsageRecord extends ApiCall {
  firstSeen: string;
  lastSeen: string;
  calls: number;
}

interface Tally extends ApiCall {
  firstSeen: Date;
  lastSeen: Date;
  calls: number;
}

/**
 * Distinct (api, version, client) one instance holds between two flushes. Past it (say, the database is
 * away for long), calls of clients not held yet are dropped and counted as dropped, so memory stays bounded.
 */
export const MAX_PENDING_CLIENTS = 10_000;
/** Six parameters a row: 500 rows stay far below PostgreSQL's 65,535 parameters per statement. */
const ROWS_PER_STATEMENT = 500;

/**
 * Counts calls per API version and client in memory and adds them to `platform.api_usage` when
 * flushed (every minute by default, and at shutdown): one upsert per client and minute rather than a
 * write per call, and no per-client label on a metric. Instances add up through the upsert.
 */
export class ApiUsageLedger {
  private readonly logger = new Logger('ApiUsage');
  private pending = new Map<string, Tally>();
  private dropped = 0;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  record(call: ApiCall): void {
    const now = this.clock();
    const key = keyOf(call);
    const tally = this.pending.get(key);
    if (tally) {
      tally.calls += 1;
      tally.lastSeen = now;
    } else if (this.pending.size < MAX_PENDING_CLIENTS) {
      this.pending.set(key, { ...call, firstSeen: now, lastSeen: now, calls: 1 });
    } else {
      this.dropped += 1;
    }
  }

  /** Adds what was counted since the last flush to the table; what could not be written is kept for the next. One at a time. */
  flush(): Promise<void> {
    const done = this.flushing.then(() => this.write());
    this.flushing = done.catch(() => undefined);
    return done;
  }

  /** The clients of an API version (or of every one), the most recent caller first. */
  async list(filter: { api?: string; version?: string }, { limit, offset }: PageRequest): Promise<Page<ApiUsageRecord>> {
    const where = 'WHERE ($1::text IS NULL OR api = $1) AND ($2::text IS NULL OR version = $2)';
    const params = [filter.api ?? null, filter.version ?? null];
    const [rows, [count]] = await Promise.all([
      this.dataSource.query<RecordRow[]>(
        `SELECT api, version, client_id, first_seen, last_seen, calls FROM platform.api_usage ${where}
          ORDER BY last_seen DESC, api, version, client_id LIMIT $3 OFFSET $4`,
        [...params, limit, offset],
      ),
      this.dataSource.query<Array<{ total: string | number }>>(`SELECT count(*) AS total FROM platform.api_usage ${where}`, params),
    ]);
    const items = rows.map((row) => ({
      api: row.api,
      version: row.version,
      clientId: row.client_id,
      firstSeen: new Date(row.first_seen).toISOString(),
      lastSeen: new Date(row.last_seen).toISOString(),
      calls: Number(row.calls),
    }));
    return { items, total: Number(count?.total ?? 0), limit, offset };
  }

  private async write(): Promise<void> {
    if (this.dropped > 0) {
      this.logger.warn(
        { dropped: this.dropped, max: MAX_PENDING_CLIENTS },
        'API calls of clients beyond the pending limit were not counted',
      );
      this.dropped = 0;
    }
    if (this.pending.size === 0) return;
    const taken = this.pending;
    this.pending = new Map();
    // In key order, so that two instances adding to the same rows lock them in one order and never deadlock.
    const tallies = [...taken.keys()].sort().map((key) => taken.get(key)!);
    try {
      await this.dataSource.transaction(async (manager) => {
        for (let start = 0; start < tallies.length; start += ROWS_PER_STATEMENT) {
          const { sql, params } = upsert(tallies.slice(start, start + ROWS_PER_STATEMENT));
          await manager.query(sql, params);
        }
      });
    } catch (error) {
      for (const [key, tally] of taken) this.restore(key, tally);
      throw error;
    }
    this.logger.debug({ clients: tallies.length }, 'API usage flushed');
  }

  /** Puts a tally that could not be written back, with whatever was counted for the same key meanwhile. */
  private restore(key: string, tally: Tally): void {
    const newer = this.pending.get(key);
    if (!newer) {
      this.pending.set(key, tally);
      return;
    }
    newer.calls += tally.calls;
    if (tally.firstSeen < newer.firstSeen) newer.firstSeen = tally.firstSeen;
    if (tally.lastSeen > newer.lastSeen) newer.lastSeen = tally.lastSeen;
  }
}

interface RecordRow {
  api: string;
  version: string;
  client_id: string;
  first_seen: Date | string;
  last_seen: Date | string;
  calls: string | number;
}

const keyOf = ({ api, version, clientId }: ApiCall): string => JSON.stringify([api, version, clientId]);

function upsert(tallies: Tally[]): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const rows = tallies.map((tally) => {
    const at = params.length;
    params.push(tally.api, tally.version, tally.clientId, tally.firstSeen.toISOString(), tally.lastSeen.toISOString(), tally.calls);
    return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}::timestamptz, $${at + 5}::timestamptz, $${at + 6}::bigint)`;
  });
  const sql = `INSERT INTO platform.api_usage (api, version, client_id, first_seen, last_seen, calls) VALUES ${rows.join(', ')}
    ON CONFLICT (api, version, client_id) DO UPDATE SET
      first_seen = LEAST(api_usage.first_seen, EXCLUDED.first_seen),
      last_seen = GREATEST(api_usage.last_seen, EXCLUDED.last_seen),
      calls = api_usage.calls + EXCLUDED.calls`;
  return { sql, params };
}
