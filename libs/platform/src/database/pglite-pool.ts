import { EventEmitter } from 'node:events';
import type { PGlite, Results } from '@electric-sql/pglite';

type Release = (error?: unknown) => void;
type ConnectCallback = (error: Error | null, client: PGliteSession | null, release: Release) => void;

/**
 * PGlite is one database session. This gives TypeORM a `pg`-shaped pool over it whose single
 * client is checked out exclusively, like `new pg.Pool({ max: 1 })`: a transaction never
 * interleaves with another caller's statements, even across DataSources sharing the instance.
 */
export class PGliteSessionLock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.tail.then(() => release);
    this.tail = this.tail.then(() => released);
    return acquired;
  }
}

class PGliteSession extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  async query(sql: string, params?: unknown[]): Promise<Results> {
    if (params && params.length > 0) return this.db.query(sql, params);
    // Parameterless SQL may hold several statements (migrations); pg answers with the last one.
    const results = await this.db.exec(sql);
    return results[results.length - 1] ?? { rows: [], fields: [] };
  }
}

/** The `driver` option for a TypeORM postgres DataSource backed by a shared PGlite instance. */
export function pgliteDriver(db: PGlite, lock: PGliteSessionLock): { Pool: new () => unknown } {
  const session = new PGliteSession(db);

  class Pool extends EventEmitter {
    connect(callback: ConnectCallback): void {
      lock.acquire().then(
        (unlock) => callback(null, session, () => unlock()),
        (error: Error) => callback(error, null, () => undefined),
      );
    }

    /** The PGlite instance outlives any one DataSource; DatabaseConnector closes it. */
    end(callback?: (error: Error | null) => void): void {
      callback?.(null);
    }
  }

  return { Pool };
}
