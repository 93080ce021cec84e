import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { AppProcess, createTestDatabase, eventually, freePort, testEnv, type TestDatabase } from '@shop/testing';

interface LogLine {
  level: number;
  requestId?: string;
  trace_id?: string;
  span_id?: string;
  msg?: string;
  err?: Record<string, unknown> & { type?: string; message?: string; query?: string };
}

/**
 * What reaches the log when requests go wrong: the built monolith as its own process (as in
 * production, logging to stdout at LOG_LEVEL=error), on a database that refuses every new account.
 */
describe('what reaches the logs (the built monolith as a process, LOG_LEVEL=error)', () => {
  let database: TestDatabase;
  let app: AppProcess;
  let port: number;

  beforeAll(async () => {
    database = await createTestDatabase('logs');
    port = await freePort();
    app = await AppProcess.start('monolith', port, testEnv({ PORT: String(port), DATABASE_URL: database.url, LOG_LEVEL: 'error' }));
    // Any insert into users now fails with a constraint violation that is not the email conflict.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('ALTER TABLE identity.users ADD CONSTRAINT refuse_new_accounts CHECK (false) NOT VALID');
    await client.end();
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const lines = (): LogLine[] =>
    app.output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);

  const post = (path: string, body: string, requestId: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Request-Id': requestId, ...headers },
      body,
    });

  /** Registers an account the database refuses; resolves with the request's error line once it is in the output. */
  async function failedRegistration(email: string, password: string, headers: Record<string, string> = {}): Promise<LogLine> {
    const requestId = `refused-${randomUUID()}`;
    const response = await post('/auth/register', JSON.stringify({ email, password, displayName: 'Refused' }), requestId, headers);
    expect(response.status).toBe(500);
    return eventually(() => lines().find((line) => line.requestId === requestId && line.err), 5000, `the error line of ${requestId}`);
  }

  it('logs a failed insert with its SQL text and message, but never its parameters: no email, no password hash', async () => {
    const email = `leak-${randomUUID()}@shop.test`;
    const password = `secret-${randomUUID()}`;

    const line = await failedRegistration(email, password);

    expect(line.level).toBe(50);
    expect(line.err).toEqual(
      expect.objectContaining({
        type: 'QueryFailedError',
        message: expect.stringMatching(/violates check constraint "refuse_new_accounts"/),
        query: expect.stringMatching(/^INSERT INTO identity\.users/),
      }),
    );
    expect(line.err).not.toHaveProperty('parameters');
    expect(line.err).not.toHaveProperty('detail');
    const output = app.output.join('');
    expect(output).not.toContain(email);
    expect(output).not.toContain(password);
    expect(output).not.toContain('scrypt$'); // the stored hash's prefix
    expect(output).not.toMatch(/Failing row contains/);
  });

  it('answers a body nested 3,000 levels deep with 400 and logs nothing at error level for it', async () => {
    const requestId = `deep-${randomUUID()}`;
    const deep = `${'{"a":'.repeat(2999)}{"a":1}${'}'.repeat(2999)}`;

    const response = await post('/auth/register', `{"email":"deep@shop.test","password":"long enough","displayName":${deep}}`, requestId);

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // A later request's error line is in the output, so every line the deep request caused is too.
    await failedRegistration(`later-${randomUUID()}@shop.test`, 'long enough password');
    expect(lines().filter((line) => line.requestId === requestId)).toEqual([]);
  });

  it('writes the trace and span ids beside the request id, continuing the trace the caller sent', async () => {
    const traceId = randomBytes(16).toString('hex');
    const line = await failedRegistration(`traced-${randomUUID()}@shop.test`, 'long enough password', {
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    });
    expect(line.trace_id).toBe(traceId);
    expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);

    // Without one, the request starts a trace of its own (tracing is on even with no exporter).
    const untraced = await failedRegistration(`untraced-${randomUUID()}@shop.test`, 'long enough password');
    expect(untraced.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(untraced.trace_id).not.toBe(traceId);
    expect(untraced.span_id).toMatch(/^[0-9a-f]{16}$/);
  });
});
