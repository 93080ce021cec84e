import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, QueryRunner } from 'typeorm';

/** How long `exclusive` waits for a lock, and how often it tries meanwhile. */
const LOCK_WAIT_MS = 2000;
const LOCK_RETRY_MS = 25;

/** The lock stayed taken by another holder for as long as the caller would wait. */
export class LockBusyError extends Error {
  constructor(readonly lock: string) {
    super(`the lock ${lock} is held elsewhere`);
    this.name = 'LockBusyError';
  }
}

/**
 * PostgreSQL session advisory locks on the strangler's database: held by a connection of one's own,
 * and released by the server when that connection ends, so a killed holder never leaves one behind.
 *
 * Embedded PGlite is one session shared by the whole process, checked out by one caller at a time:
 * a lock held on it would keep every other query (the holder's own work included) waiting for ever.
 * There the process is the whole fleet, so the locks are held in its memory, one set for all holders.
 */
const heldInThisProcess = new Set<string>();

export class AdvisoryLocks {
  constructor(
    private readonly dataSource: DataSource,
    private readonly database: 'postgres' | 'pglite',
  ) {}

  /** Takes the lock if it is free and holds it on a connection of its own; undefined when another holds it. */
  async take(name: string): Promise<{ release(): Promise<void> } | undefined> {
    if (this.database === 'pglite') return this.takeHere(name);
    const session: QueryRunner = this.dataSource.createQueryRunner();
    await session.connect();
    try {
      const [{ taken }]: Array<{ taken: boolean }> = await session.query('SELECT pg_try_advisory_lock(hashtext($1)) AS taken', [name]);
      if (!taken) {
        await session.release();
        return undefined;
      }
    } catch (error) {
      await session.release();
      throw error;
    }
    return {
      release: async () => {
        try {
          await session.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
        } finally {
          await session.release();
        }
      },
    };
  }

  /**
   * Runs `work` holding the lock, fleet-wide, waiting up to 2 s for it (without holding a connection
   * while it waits); then throws LockBusyError or, with `anyway`, runs the work without it.
   */
  async exclusive<T>(name: string, work: () => Promise<T>, options: { anyway?: boolean } = {}): Promise<T> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    let lock = await this.take(name);
    while (!lock && Date.now() < deadline) {
      await sleep(LOCK_RETRY_MS);
      lock = await this.take(name);
    }
    if (!lock && !options.anyway) throw new LockBusyError(name);
    try {
      return await work();
    } finally {
      await lock?.release();
    }
  }

  private takeHere(name: string): { release(): Promise<void> } | undefined {
    if (heldInThisProcess.has(name)) return undefined;
    heldInThisProcess.add(name);
    return { release: async () => void heldInThisProcess.delete(name) };
  }

  /** Whether the lock is free now (taken and given back at once). */
  async tryOnce(name: string): Promise<boolean> {
    const lock = await this.take(name);
    await lock?.release();
    return lock !== undefined;
  }
}
