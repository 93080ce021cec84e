import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/platform.config.js';
import type { ContextDatabaseOptions, DatabaseConnector } from './database-connector.js';

/** Whatever a context's unit of work, relay and repositories reach the database through. */
export interface DataSourceRef {
  readonly dataSource: DataSource;
}

/** How long a DataSource a context moved away from stays open, for reads that were already under way. */
const RELEASE_AFTER_MS = 10_000;

/**
 * Where one context's data lives for this process, and the one place that can move it. The
 * context's UnitOfWork, relay and repositories go through `dataSource` on every call, so after
 * `moveTo` the next transaction runs on the new database, with no restart. Moving is the strangler's
 * business (a handoff freezes writes and pauses consumers first); the context never knows.
 */
export class ContextDatabase implements DataSourceRef {
  private readonly logger: Logger;
  private current: DataSource;
  private location: string;

  constructor(
    readonly name: string,
    initial: DataSource,
    private readonly connector: DatabaseConnector,
    private readonly options: ContextDatabaseOptions,
    /** A label for where the initial DataSource is (never a URL: it may hold a password). */
    initialLocation = 'home',
  ) {
    this.logger = new Logger(`ContextDatabase:${name}`);
    this.current = initial;
    this.location = initialLocation;
  }

  get dataSource(): DataSource {
    return this.current;
  }

  /** The label given with the last move ('home' until one). */
  get locatedAt(): string {
    return this.location;
  }

  /** Opens the context's schema on `database` and migrates it, without moving there (ready to receive a copy). */
  prepare(database: DatabaseConfig): Promise<DataSource> {
    return this.connector.openAt(database, this.options);
  }

  /** From the next call on, the context works on `database` (labelled `location`); the former DataSource closes a little later. */
  async moveTo(database: DatabaseConfig, location: string, prepared?: DataSource): Promise<void> {
    const next = prepared ?? (await this.prepare(database));
    const former = this.current;
    this.current = next;
    this.location = location;
    this.logger.log({ context: this.name, location }, 'context data moved');
    if (former !== next) setTimeout(() => void this.connector.release(former).catch(() => undefined), RELEASE_AFTER_MS).unref();
  }
}
