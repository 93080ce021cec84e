import { Logger } from '@nestjs/common';
import pg from 'pg';
import type { DatabaseConfig } from '@shop/platform';

const RETRY_MS = 1000;
/** How often a leader checks that its connection still answers; the default. */
const LEADER_HEARTBEAT_MS = 5000;

/**
 * Leadership among the instances of an app: a blocking `pg_advisory_lock`, waited for and then held
 * on a PostgreSQL connection of its own. The server releases it when that connection ends, so when the
 * leader dies (or loses the database) the next waiting instance leads within moments. The waiting
 * backend checks its client every second (`client_connection_check_interval`), so a waiter that went
 * away never inherits the lock. Embedded PGlite has one process: it simply leads.
 *
 * A connection can also go silent without closing (a half-open TCP connection behind a NAT or a load
 * balancer): neither side hears of it for hours. So a leader asks `SELECT 1` every heartbeat and steps
 * down when no answer comes within one; and its session ends on the server after three heartbeats with
 * no statement (`idle_session_timeout`), which frees the lock for the next instance even if the leader
 * never could tell the server.
 */
export class LeaderLock {
  private readonly logger = new Logger('LeaderLock');
  private client: pg.Client | undefined;
  private stopped = false;
  private leading = false;
  private retry: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly database: DatabaseConfig,
    private readonly name: string,
    private readonly onChange: (leading: boolean) => void,
    private readonly heartbeatMs = LEADER_HEARTBEAT_MS,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.stopped = false;
    if (this.database.kind === 'pglite') this.lead(true);
    else void this.campaign(this.database.url);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    this.lead(false);
    await client?.end().catch(() => undefined);
  }

  private async campaign(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url, application_name: 'shop-strangler-leader', keepAlive: true });
    this.client = client;
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      clearInterval(this.heartbeat);
      if (this.leading) this.logger.warn({ err: error, lock: this.name }, 'leadership lost with its connection');
      this.lead(false);
      void client.end().catch(() => undefined);
      if (!this.stopped) this.retry = setTimeout(() => void this.campaign(url), RETRY_MS);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query("SET client_connection_check_interval = '1s'");
      await client.query(`SET idle_session_timeout = ${3 * this.heartbeatMs}`);
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [this.name]);
      if (this.client !== client) return;
      this.logger.log({ lock: this.name }, 'leading');
      this.lead(true);
      this.heartbeat = setInterval(() => {
        void this.answers(client).then((answered) => {
          if (!answered) lost(new Error(`no answer within ${this.heartbeatMs} ms`));
        });
      }, this.heartbeatMs);
      this.heartbeat.unref();
    } catch (error) {
      lost(error as Error);
    }
  }

  /** Whether the connection answers a statement within a heartbeat. */
  private async answers(client: pg.Client): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.heartbeatMs)));
    const answer = client.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([answer, silence]);
    } finally {
      clearTimeout(timer);
    }
  }

  private lead(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.onChange(leading);
  }
}
