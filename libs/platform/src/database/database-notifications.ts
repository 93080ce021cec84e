import { Logger } from '@nestjs/common';
import pg from 'pg';

/** Called on each NOTIFY of a channel, and once after the listener reconnected (a notification may have been missed meanwhile). */
export type NotificationHandler = (payload: string | undefined) => void;

/** Stops a handler from being called. */
export type Unlisten = () => Promise<void>;

const RECONNECT_DELAYS_MS = [250, 1000, 5000];

/**
 * PostgreSQL LISTEN on one dedicated connection per process (a pooled connection can't hold a
 * LISTEN), shared by every channel. When the connection drops it reconnects with back-off,
 * listens again, and calls every handler once, so that whoever relies on it re-reads what a lost
 * notification would have told it.
 */
export class DatabaseNotifications {
  private readonly logger = new Logger(DatabaseNotifications.name);
  private readonly handlers = new Map<string, Set<NotificationHandler>>();
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private closed = false;
  private failures = 0;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly url: string) {}

  /** Listens on `channel` (an SQL identifier of our own, e.g. `strangler_routes`); resolves once LISTEN is in force. */
  async listen(channel: string, handler: NotificationHandler): Promise<Unlisten> {
    let handlers = this.handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(channel, handlers);
      const client = await this.connect();
      await client.query(`LISTEN "${channel}"`);
    }
    handlers.add(handler);
    return async () => {
      handlers.delete(handler);
      if (handlers.size > 0 || this.handlers.get(channel) !== handlers) return;
      this.handlers.delete(channel);
      await this.client?.query(`UNLISTEN "${channel}"`).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.handlers.clear();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'shop-listener' });
    client.on('notification', ({ channel, payload }) => this.dispatch(channel, payload));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    await client.connect();
    this.client = client;
    return client;
  }

  private dispatch(channel: string, payload: string | undefined): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        this.logger.error({ err: error, channel }, 'notification handler failed');
      }
    }
  }

  private lost(client: pg.Client, error?: Error): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    this.logger.warn({ err: error }, 'database listener connection lost; reconnecting');
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = RECONNECT_DELAYS_MS[Math.min(this.failures, RECONNECT_DELAYS_MS.length - 1)]!;
    this.failures += 1;
    this.retry = setTimeout(() => void this.reconnect(), delay);
    this.retry.unref();
  }

  private async reconnect(): Promise<void> {
    if (this.closed) return;
    try {
      const client = await this.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN "${channel}"`);
      this.failures = 0;
    } catch (error) {
      this.logger.warn({ err: error }, 'database listener could not reconnect');
      if (this.client) void this.client.end().catch(() => undefined);
      this.client = undefined;
      return this.scheduleReconnect();
    }
    for (const channel of this.handlers.keys()) this.dispatch(channel, undefined);
  }
}
