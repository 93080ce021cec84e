import { Writable } from 'node:stream';
import pg from 'pg';
import { pino, stdSerializers } from 'pino';
import { QueryFailedError } from 'typeorm';
import { redactErrorsInLog, serializeError } from './error-redaction.js';

const EMAIL = 'ann@example.com';
const HASH = 'scrypt$16384$8$1$c2FsdA$aGFzaA';
const INSERT = 'INSERT INTO identity.users (id, email, password_hash) VALUES ($1, $2, $3)';

/** A failed insert as TypeORM raises it over node-postgres: the driver's error, and TypeORM's copy of its fields. */
function failedInsert(): QueryFailedError {
  const driverError = Object.assign(new pg.DatabaseError('new row for relation "users" violates check constraint "c"', 0, 'error'), {
    code: '23514',
    constraint: 'c',
    table: 'users',
    detail: `Failing row contains (1, ${EMAIL}, ${HASH}).`,
    where: `SQL statement "INSERT INTO audit VALUES ('${EMAIL}')"`,
    internalQuery: `SELECT '${HASH}'`,
  });
  return new QueryFailedError(INSERT, ['1', EMAIL, HASH], driverError);
}

/** A pino logger as LoggingModule configures it, writing its lines into an array. */
function capturingLogger(): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const written: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ serializers: { err: serializeError }, formatters: { log: redactErrorsInLog } }, sink);
  return { logger, lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('errors in the log', () => {
  it('keep the SQL text, message, code and constraint of a failed query, without its parameters or quoted rows', () => {
    const { logger, lines } = capturingLogger();
    logger.error({ err: failedInsert() }, 'request failed');

    const [line] = lines();
    expect(line!.err).toEqual({
      type: 'QueryFailedError',
      message: 'new row for relation "users" violates check constraint "c"',
      stack: expect.stringContaining('QueryFailedError'),
      query: INSERT,
      code: '23514',
      constraint: 'c',
      table: 'users',
      length: 0,
      driverError: expect.objectContaining({ type: 'DatabaseError', code: '23514', constraint: 'c' }),
    });
    expect(JSON.stringify(line)).not.toMatch(new RegExp(`${EMAIL}|scrypt|Failing row`));
  });

  it('holds behind pino-http, whose wrapper hands the serializer an already serialized error', () => {
    const asPinoHttpWrapsIt = stdSerializers.wrapErrorSerializer((error) => serializeError(error) as Record<string, unknown>);
    const serialized = asPinoHttpWrapsIt(failedInsert());
    expect(serialized).toEqual(expect.objectContaining({ type: 'QueryFailedError', query: INSERT }));
    expect(JSON.stringify(serialized)).not.toMatch(new RegExp(`${EMAIL}|scrypt|Failing row`));
  });

  it('holds for an error logged on its own, under another key, nested in the log object, or in an aggregate', () => {
    const { logger, lines } = capturingLogger();
    logger.error(failedInsert(), 'bare');
    logger.warn({ error: failedInsert() }, 'other key');
    logger.warn({ failures: [{ attempt: 1, reason: failedInsert() }] }, 'nested');
    logger.error({ err: new AggregateError([failedInsert()], 'both failed') }, 'aggregate');
    // What PGlite attaches to its errors.
    logger.error(
      { err: Object.assign(new Error('invalid input'), { query: 'SELECT $1', params: [HASH], queryOptions: { x: EMAIL } }) },
      'pglite',
    );

    expect(lines()).toHaveLength(5);
    for (const line of lines()) expect(JSON.stringify(line)).not.toMatch(new RegExp(`${EMAIL}|scrypt|Failing row`));
    const [bare, other, nested, aggregate] = lines();
    expect(bare!.err).toEqual(expect.objectContaining({ type: 'QueryFailedError', query: INSERT }));
    expect(other!.error).toEqual(expect.objectContaining({ type: 'QueryFailedError', query: INSERT }));
    expect(nested!.failures).toEqual([{ attempt: 1, reason: expect.objectContaining({ type: 'QueryFailedError', query: INSERT }) }]);
    expect(aggregate!.err).toEqual(expect.objectContaining({ aggregateErrors: [expect.objectContaining({ query: INSERT })] }));
  });

  it('keeps what is not an error as it was: a problem body keeps its detail, other fields their values', () => {
    const { logger, lines } = capturingLogger();
    const problem = { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'ordering is unavailable' };
    logger.warn({ problem, orderId: 'o-1', attempts: 3 }, 'gave up');
    expect(lines()[0]).toEqual(expect.objectContaining({ problem, orderId: 'o-1', attempts: 3, msg: 'gave up' }));
  });

  it('survives a circular error', () => {
    const { logger, lines } = capturingLogger();
    const error = Object.assign(new Error('loop'), { context: {} as Record<string, unknown> });
    error.context.self = error.context;
    logger.error({ err: error }, 'circular');
    expect(lines()[0]!.err).toEqual(expect.objectContaining({ message: 'loop', context: { self: '[Circular]' } }));
  });
});
