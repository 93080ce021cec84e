import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The real PostgreSQL server the suites run against; each run gets its own database on it. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates a fresh, uniquely named database so parallel or repeated runs never collide. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `shop_${label.replace(/\W/g, '_').toLowerCase()}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Runs `statement` (say `SELECT ... FOR UPDATE`, or `LOCK TABLE ...`) in a transaction of its own
 * and keeps that transaction open, so whatever needs the locked rows waits, until `release()`.
 */
export async function holdLock(url: string, statement: string, params: unknown[] = []): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(statement, params);
  return async () => {
    await client.query('COMMIT');
    await client.end();
  };
}

/**
 * A login role of its own on a test database with every privilege on `schemas` (their tables and
 * sequences) and none anywhere else, to prove an app never touches what it was not given.
 */
export async function createRestrictedRole(
  database: TestDatabase,
  schemas: string[],
): Promise<{ role: string; url: string; drop(): Promise<void> }> {
  const role = `shop_role_${process.pid}_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await withAdminClient((client) => client.query(`CREATE ROLE "${role}" LOGIN PASSWORD '${password}'`));
  const onDatabase = new pg.Client({ connectionString: database.url });
  await onDatabase.connect();
  try {
    await onDatabase.query(`GRANT CONNECT, CREATE ON DATABASE "${database.name}" TO "${role}"`);
    for (const schema of schemas) {
      await onDatabase.query(`GRANT USAGE, CREATE ON SCHEMA "${schema}" TO "${role}"`);
      await onDatabase.query(`GRANT ALL ON ALL TABLES IN SCHEMA "${schema}" TO "${role}"`);
      await onDatabase.query(`GRANT ALL ON ALL SEQUENCES IN SCHEMA "${schema}" TO "${role}"`);
    }
  } finally {
    await onDatabase.end();
  }
  const url = new URL(database.url);
  url.username = role;
  url.password = password;
  return {
    role,
    url: url.toString(),
    drop: () =>
      withAdminClient(async (client) => {
        await client.query(`DROP OWNED BY "${role}" CASCADE`).catch(() => undefined);
        await client.query(`DROP ROLE IF EXISTS "${role}"`);
      }).then(() => undefined),
  };
}
