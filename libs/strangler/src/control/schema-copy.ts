import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { DataSource, EntityManager } from 'typeorm';
import { pgClientOf } from './pg-client.js';

export interface TableFingerprint {
  rows: number;
  /** md5 over the md5 of every row's text, in primary-key order: equal content gives an equal hash. */
  hash: string;
}

const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

/** The base tables of a schema, by name. */
async function tablesOf(manager: EntityManager | DataSource, schema: string): Promise<string[]> {
  const rows: Array<{ tablename: string }> = await manager.query(
    'SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename',
    [schema],
  );
  return rows.map((row) => row.tablename);
}

/** A table's primary key columns (every table of a context has one), for a stable order. */
async function keyOf(manager: EntityManager | DataSource, schema: string, table: string): Promise<string[]> {
  const rows: Array<{ column: string }> = await manager.query(
    `SELECT a.attname AS column
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary
      ORDER BY array_position(i.indkey, a.attnum)`,
    [`${quote(schema)}.${quote(table)}`],
  );
  if (rows.length === 0) throw new Error(`${schema}.${table} has no primary key; it cannot be copied in a stable order`);
  return rows.map((row) => row.column);
}

/** A table's columns, in their order, quoted for a column list. */
async function columnsOf(manager: EntityManager | DataSource, schema: string, table: string): Promise<string> {
  const rows: Array<{ column: string }> = await manager.query(
    'SELECT column_name AS column FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
    [schema, table],
  );
  return rows.map((row) => quote(row.column)).join(', ');
}

/** Which server and database a DataSource reaches (never its password). */
async function identityOf(dataSource: DataSource): Promise<string> {
  const [row]: Array<{ id: string }> = await dataSource.query(
    `SELECT coalesce(host(inet_server_addr()), 'local') || ':' || coalesce(inet_server_port()::text, '') || '/' || current_database()
         AS id`,
  );
  return row!.id;
}

/** True when both reach the same database: copying a schema onto itself would destroy it. */
export async function sameDatabase(a: DataSource, b: DataSource): Promise<boolean> {
  return (await identityOf(a)) === (await identityOf(b));
}

/**
 * Copies every table of `schema` from `source` to the same tables in `target` (created beforehand
 * by the context's migrations), replacing what the target held, in one transaction on the target;
 * sequences continue where the source's were. Every table is read from one snapshot of the source
 * and streamed with COPY, source to target, without a round trip per batch. Answers the rows copied
 * per table.
 */
export async function copySchema(source: DataSource, target: DataSource, schema: string): Promise<Record<string, number>> {
  const tables = await tablesOf(source, schema);
  const copied: Record<string, number> = {};
  await target.transaction(async (into) => {
    const targetTables = new Set(await tablesOf(into, schema));
    const missing = tables.filter((table) => !targetTables.has(table));
    if (missing.length > 0) throw new Error(`the target has no table ${missing.map((table) => `${schema}.${table}`).join(', ')}`);
    await into.query(`TRUNCATE ${tables.map((table) => `${quote(schema)}.${quote(table)}`).join(', ')}`);
    const writer = pgClientOf(into.queryRunner!);
    const reader = source.createQueryRunner();
    await reader.connect();
    try {
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      for (const table of tables) {
        // Named columns on both sides: the tables' column order need not be the same.
        const name = `${quote(schema)}.${quote(table)} (${await columnsOf(reader.manager, schema, table)})`;
        const sink = writer.query(copyFrom(`COPY ${name} FROM STDIN`));
        await pipeline(pgClientOf(reader).query(copyTo(`COPY ${name} TO STDOUT`)), sink);
        copied[table] = sink.rowCount;
      }
      await reader.query('COMMIT');
    } finally {
      await reader.release();
    }
    await followSequences(source, into, schema);
  });
  return copied;
}

/** Sets every sequence of the target's schema to where the source's stands. */
async function followSequences(source: DataSource, target: EntityManager, schema: string): Promise<void> {
  const sequences: Array<{ name: string }> = await source.query(
    `SELECT quote_ident(sequence_schema) || '.' || quote_ident(sequence_name) AS name
       FROM information_schema.sequences WHERE sequence_schema = $1`,
    [schema],
  );
  for (const { name } of sequences) {
    const [state]: Array<{ last_value: string; is_called: boolean }> = await source.query(`SELECT last_value, is_called FROM ${name}`);
    await target.query('SELECT setval($1::regclass, $2, $3)', [name, state!.last_value, state!.is_called]);
  }
}

/** Rows and a content hash of every table of the schema. */
export async function fingerprint(dataSource: DataSource, schema: string): Promise<Record<string, TableFingerprint>> {
  const figures: Record<string, TableFingerprint> = {};
  for (const table of await tablesOf(dataSource, schema)) {
    const order = (await keyOf(dataSource, schema, table)).map((column) => `t.${quote(column)}`).join(', ');
    const [row]: Array<{ rows: number; hash: string }> = await dataSource.query(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(md5(t::text), '' ORDER BY ${order}), '')) AS hash
         FROM ${quote(schema)}.${quote(table)} t`,
    );
    figures[table] = { rows: row!.rows, hash: row!.hash };
  }
  return figures;
}

/** Moves a schema out of the way, kept but unused, under a name that says when. */
export async function retireSchema(dataSource: DataSource, schema: string, at: Date): Promise<string> {
  const stamp = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const retired = `${schema}_retired_${stamp}`;
  await dataSource.query(`ALTER SCHEMA ${quote(schema)} RENAME TO ${quote(retired)}`);
  return retired;
}

/** Copies of a schema put aside by `retireSchema`. */
export async function retiredCopies(dataSource: DataSource, schema: string): Promise<string[]> {
  const rows: Array<{ nspname: string }> = await dataSource.query(
    "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 || '\\_retired\\_%' ORDER BY nspname",
    [schema],
  );
  return rows.map((row) => row.nspname);
}

export async function dropSchema(dataSource: DataSource, schema: string): Promise<void> {
  await dataSource.query(`DROP SCHEMA ${quote(schema)} CASCADE`);
}
