import type pg from 'pg';
import type { QueryRunner } from 'typeorm';

/**
 * The pg connection under a connected QueryRunner, for what TypeORM does not offer: COPY streams,
 * the connection's own events.
 */
export function pgClientOf(runner: QueryRunner): pg.PoolClient {
  const client = (runner as QueryRunner & { databaseConnection?: pg.PoolClient }).databaseConnection;
  if (!client) throw new Error('this query runner has no PostgreSQL connection (connect it first; PostgreSQL only)');
  return client;
}
