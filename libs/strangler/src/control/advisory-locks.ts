import type { DataSource, QueryRunner } from 'typeorm';

/**
 * PostgreSQL session advisory locks on the strangler's database: held by a connection of one's own,
 * and released by the server when that connection ends, so a killed holder never leaves one behind.
 */
export class AdvisoryLocks {
  constructor(private readonly dataSource: DataSource) {}

  /** Takes the lock if it is free and holds it on a connection of its own; undefined when another holds it. */
  async take(name: string): Promise<{ release(): Promise<void> } | undefined> {
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

  /** Whether the lock is free now (taken and given back at once). */
  async tryOnce(name: string): Promise<boolean> {
    const lock = await this.take(name);
    await lock?.release();
    return lock !== undefined;
  }
}
