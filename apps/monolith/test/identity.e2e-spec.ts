import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Logger, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { dataSourceToken } from '@shop/platform';
import { createTestApp } from '@shop/testing';
import { monolithApp } from '../src/monolith.app.js';
import { fromAddress, nextClientAddress } from './support/client-address.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startShop, type ShopUnderTest } from './support/shop.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PASSWORD = 'correct horse battery';

/**
 * Passport keeps one process-wide 'jwt' strategy, so the last app started in this process decides
 * which key verifies tokens. Every app of this suite therefore shares one key pair.
 */
const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const SHARED_KEYS = { JWT_PRIVATE_KEY: privateKey, JWT_PUBLIC_KEY: publicKey };

/** Records what every Nest Logger warns about, until restored. */
function captureWarnings(): { messages: string[]; restore: () => void } {
  const messages: string[] = [];
  const original = Logger.prototype.warn;
  Logger.prototype.warn = function (this: Logger, ...args: Parameters<Logger['warn']>) {
    messages.push(String(args[0]));
    return original.apply(this, args);
  };
  return { messages, restore: () => (Logger.prototype.warn = original) };
}

describe('identity (monolith on PostgreSQL)', () => {
  let shop: ShopUnderTest;
  let db: DataSource;

  beforeAll(async () => {
    shop = await startShop({ env: SHARED_KEYS });
    db = shop.app.get<DataSource>(dataSourceToken('identity'));
  });
  afterAll(() => shop.close());

  /** Each test calls from an address of its own (the app sees the socket's address), as one client would. */
  let clientAddress: string;
  beforeEach(() => {
    clientAddress = nextClientAddress();
  });

  const http = () => shop.http();
  const freshEmail = (label = 'user') => `${label}-${randomUUID()}@shop.test`;
  const register = (body: object, address = clientAddress) => http().post('/api/v1/auth/register').agent(fromAddress(address)).send(body);
  const logIn = (email: string, password: string, address = clientAddress) =>
    http().post('/api/v1/auth/login').agent(fromAddress(address)).send({ email, password });
  const me = (authorization?: string) => {
    const call = http().get('/api/v1/auth/me');
    return authorization === undefined ? call : call.set('Authorization', authorization);
  };

  const expectProblem = (response: request.Response, status: number) => {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toEqual(
      expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) }),
    );
  };
  const badFields = (response: request.Response) => new Set((response.body.errors as Array<{ field: string }>).map((error) => error.field));
  const statusCounts = (responses: request.Response[]) =>
    responses.reduce<Record<number, number>>((counts, { status }) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});
  /** A 429 problem whose Retry-After is a whole number of seconds within (0, maxSeconds]. */
  const expectTooManyRequests = (response: request.Response, maxSeconds: number) => {
    expectProblem(response, 429);
    const retryAfter = Number(response.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  };
  const startOnSameDatabase = async (env: Record<string, string | undefined>): Promise<INestApplication> => {
    if (!shop.env.DATABASE_URL) throw new Error('the shop under test runs on PostgreSQL');
    return createTestApp(monolithApp, { env: { DATABASE_URL: shop.env.DATABASE_URL, ...SHARED_KEYS, ...env } });
  };

  const userRows = (email: string) =>
    db.query<Array<{ id: string; email: string; display_name: string; password_hash: string; roles: string[] }>>(
      'SELECT id, email, display_name, password_hash, roles FROM identity.users WHERE email = lower($1)',
      [email],
    );
  const registeredEvents = (email: string) =>
    db.query<Array<{ type: string; version: number; payload: Record<string, unknown> }>>(
      "SELECT type, version, payload FROM identity.outbox WHERE type = 'identity.UserRegistered' AND payload->>'email' = lower($1)",
      [email],
    );
  const expectNothingWritten = async (email: string) => {
    expect(await userRows(email)).toHaveLength(0);
    expect(await registeredEvents(email)).toHaveLength(0);
  };

  describe('POST /api/v1/auth/register', () => {
    it('creates a customer and answers 201 User, without any password field', async () => {
      const email = freshEmail();
      const response = await register({ email, password: PASSWORD, displayName: 'Ann Smith' });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ id: expect.stringMatching(UUID), email, displayName: 'Ann Smith', roles: ['customer'] });
    });

    it("defaults displayName to the email's part before the @ and stores the email in lower case", async () => {
      const local = `Ann.Mixed-${randomUUID()}`;
      const response = await register({ email: `${local}@Shop.TEST`, password: PASSWORD });
      expect(response.status).toBe(201);
      expect(response.body.displayName).toBe(local.toLowerCase());
      expect(response.body.email).toBe(`${local.toLowerCase()}@shop.test`);
      expect((await userRows(response.body.email))[0].email).toBe(response.body.email);
    });

    it('stores a salted scrypt hash, never the password itself', async () => {
      const email = freshEmail();
      await register({ email, password: PASSWORD }).expect(201);
      const [row] = await userRows(email);
      expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
      expect(row.password_hash).not.toContain(PASSWORD);
    });

    it('publishes UserRegisteredV1 to the identity outbox in the same transaction', async () => {
      const email = freshEmail();
      const response = await register({ email, password: PASSWORD, displayName: 'Ann' }).expect(201);
      expect(await registeredEvents(email)).toEqual([
        { type: 'identity.UserRegistered', version: 1, payload: { userId: response.body.id, email, displayName: 'Ann' } },
      ]);
    });

    it('answers 409 for a taken email, also in different case, and writes nothing more', async () => {
      const email = freshEmail();
      await register({ email, password: PASSWORD }).expect(201);
      expectProblem(await register({ email, password: 'another password' }), 409);
      expectProblem(await register({ email: email.toUpperCase(), password: 'another password' }), 409);
      expect(await userRows(email)).toHaveLength(1);
      expect(await registeredEvents(email)).toHaveLength(1);
    });

    it('lets exactly one of two concurrent registrations of one email win', async () => {
      const email = freshEmail();
      const responses = await Promise.all([
        register({ email, password: PASSWORD }),
        register({ email: email.toUpperCase(), password: PASSWORD }),
      ]);
      expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
      expect(await userRows(email)).toHaveLength(1);
    });

    describe('rejects bad input with 400 problem+json naming the field, and writes nothing', () => {
      const cases: Array<[string, (email: string) => object, string[]]> = [
        ['a password of 7 characters', (email) => ({ email, password: 'x'.repeat(7) }), ['password']],
        ['a password of 129 characters', (email) => ({ email, password: 'x'.repeat(129) }), ['password']],
        ['a malformed email', () => ({ email: 'not-an-email', password: PASSWORD }), ['email']],
        ['an email of 255 characters', () => ({ email: `${'a'.repeat(245)}@shop.test`, password: PASSWORD }), ['email']],
        ['a displayName of 101 characters', (email) => ({ email, password: PASSWORD, displayName: 'n'.repeat(101) }), ['displayName']],
        ['a blank displayName', (email) => ({ email, password: PASSWORD, displayName: '   ' }), ['displayName']],
        ['a null displayName', (email) => ({ email, password: PASSWORD, displayName: null }), ['displayName']],
        ['a NUL in displayName', (email) => ({ email, password: PASSWORD, displayName: 'Ann\u0000Smith' }), ['displayName']],
        ['a C0 control in displayName', (email) => ({ email, password: PASSWORD, displayName: 'Ann\u001bSmith' }), ['displayName']],
        ['DEL in displayName', (email) => ({ email, password: PASSWORD, displayName: 'Ann\u007f' }), ['displayName']],
        ['a C1 control in displayName', (email) => ({ email, password: PASSWORD, displayName: 'Ann\u009bSmith' }), ['displayName']],
        ['a bidi override in displayName', (email) => ({ email, password: PASSWORD, displayName: 'Ann\u202egnp' }), ['displayName']],
        [
          'a __proto__ field',
          (email) => JSON.parse(`{"email":"${email}","password":"${PASSWORD}","__proto__":{"roles":["admin"]}}`),
          ['__proto__'],
        ],
        ['a constructor field', (email) => ({ email, password: PASSWORD, constructor: { name: 'x' } }), ['constructor']],
        ['a missing password', (email) => ({ email }), ['password']],
        ['a missing email', () => ({ password: PASSWORD }), ['email']],
        ['an empty body', () => ({}), ['email', 'password']],
        ['an unknown field', (email) => ({ email, password: PASSWORD, roles: ['admin'] }), ['roles']],
        ['wrong types', () => ({ email: 42, password: 12345678, displayName: true }), ['email', 'password', 'displayName']],
      ];

      it.each(cases)('%s', async (_case, body, fields) => {
        const candidate = freshEmail();
        const response = await register(body(candidate));
        expectProblem(response, 400);
        expect(badFields(response)).toEqual(new Set(fields));
        await expectNothingWritten(candidate);
      });

      it('malformed JSON', async () => {
        const candidate = freshEmail();
        const response = await http()
          .post('/api/v1/auth/register')
          .set('Content-Type', 'application/json')
          .send(`{"email": "${candidate}", "password": `);
        expectProblem(response, 400);
        await expectNothingWritten(candidate);
      });

      it('a body over 64 KiB (413)', async () => {
        const candidate = freshEmail();
        expectProblem(await register({ email: candidate, password: PASSWORD, displayName: 'n'.repeat(65 * 1024) }), 413);
        await expectNothingWritten(candidate);
      });

      it('after a rejected attempt the same email can still register', async () => {
        const candidate = freshEmail();
        expectProblem(await register({ email: candidate, password: 'short' }), 400);
        await register({ email: candidate, password: PASSWORD }).expect(201);
      });
    });
  });

  describe('POST /api/v1/auth/login', () => {
    const registered = async (password = PASSWORD) => {
      const email = freshEmail();
      const response = await register({ email, password }).expect(201);
      return { email, id: response.body.id as string };
    };

    it('answers 200 with a Bearer token that works on /auth/me', async () => {
      const { email, id } = await registered();
      const response = await logIn(email, PASSWORD);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
      const profile = await me(`Bearer ${response.body.accessToken}`).expect(200);
      expect(profile.body).toEqual({ id, email, displayName: email.split('@')[0], roles: ['customer'] });
    });

    it('accepts the email in any case', async () => {
      const { email } = await registered();
      await logIn(email.toUpperCase(), PASSWORD).expect(200);
    });

    it('answers 401 for a wrong password and the same 401 for an unknown email', async () => {
      const { email } = await registered();
      const wrongPassword = await logIn(email, 'wrong password');
      const unknownEmail = await logIn(freshEmail('nobody'), PASSWORD);
      expectProblem(wrongPassword, 401);
      expectProblem(unknownEmail, 401);
      expect(unknownEmail.body).toEqual(wrongPassword.body);
      expect(wrongPassword.body.accessToken).toBeUndefined();
    });

    it('rejects a malformed body with 400', async () => {
      const response = await http().post('/api/v1/auth/login').send({ email: 'not-an-email', password: 7, remember: true });
      expectProblem(response, 400);
      expect(badFields(response)).toEqual(new Set(['email', 'password', 'remember']));
    });

    it('answers 429 with Retry-After after 5 failed attempts for one email from one address, even with the right password', async () => {
      const { email } = await registered();
      for (let attempt = 1; attempt <= 5; attempt += 1) expectProblem(await logIn(email, `wrong password ${attempt}`), 401);
      expectTooManyRequests(await logIn(email.toUpperCase(), PASSWORD), 15 * 60);
    });

    it("clears the email's failures on a successful login", async () => {
      const { email } = await registered();
      for (let attempt = 1; attempt <= 4; attempt += 1) expectProblem(await logIn(email, 'wrong password'), 401);
      await logIn(email, PASSWORD).expect(200);
      expectProblem(await logIn(email, 'wrong password'), 401);
      // Without the reset this would be the sixth failure in the window: 429.
      await logIn(email, PASSWORD).expect(200);
    });
  });

  describe('login limits', () => {
    const registered = async () => {
      const email = freshEmail();
      await register({ email, password: PASSWORD }).expect(201);
      return email;
    };
    const wrongPasswords = (count: number, send: (index: number) => request.Test) =>
      Promise.all(Array.from({ length: count }, (_, i) => send(i)));

    it('counts each attempt before its password check: of 30 parallel wrong passwords for one email, 5 get 401, 25 get 429', async () => {
      const email = await registered();
      const responses = await wrongPasswords(30, () => logIn(email, 'wrong password'));
      expect(statusCounts(responses)).toEqual({ 401: 5, 429: 25 });
      for (const response of responses.filter(({ status }) => status === 429)) expectTooManyRequests(response, 15 * 60);
    });

    it('keeps its counts in identity.rate_limits, with neither email nor address in clear', async () => {
      const email = await registered();
      expectProblem(await logIn(email, 'wrong password'), 401);
      const keys = (await db.query<Array<{ key: string }>>('SELECT key FROM identity.rate_limits')).map(({ key }) => key);
      expect(keys.filter((key) => key.startsWith('login-pair:'))).not.toHaveLength(0);
      expect(keys.filter((key) => key.includes(email) || key.includes(clientAddress))).toEqual([]);
    });

    it('is one limit for two instances on one database', async () => {
      const email = await registered();
      const second = await startOnSameDatabase({ ADMIN_EMAIL, ADMIN_PASSWORD });
      try {
        const viaSecond = () =>
          request(second.getHttpServer())
            .post('/api/v1/auth/login')
            .agent(fromAddress(clientAddress))
            .send({ email, password: 'wrong password' });
        const responses = await wrongPasswords(30, (i) => (i % 2 === 0 ? logIn(email, 'wrong password') : viaSecond()));
        expect(statusCounts(responses)).toEqual({ 401: 5, 429: 25 });
        expectTooManyRequests(await logIn(email, PASSWORD), 15 * 60);
      } finally {
        await second.close();
      }
    });

    it("does not let strangers' failures from other addresses stop the owner logging in from their own address", async () => {
      const email = await registered();
      const home = clientAddress;
      await logIn(email, PASSWORD, home).expect(200);
      const strangers = Array.from({ length: 6 }, () => nextClientAddress());
      const guesses = await wrongPasswords(30, (i) => logIn(email, `guess ${i}`, strangers[i % strangers.length]!));
      expect(guesses.every(({ status }) => status === 401 || status === 429)).toBe(true);
      await logIn(email, PASSWORD, home).expect(200);
    });

    it('after 10 failures for one email, slows addresses the account never logged in from to one attempt at a time', async () => {
      const email = await registered();
      for (const address of [nextClientAddress(), nextClientAddress()]) {
        for (let attempt = 1; attempt <= 5; attempt += 1) expectProblem(await logIn(email, `guess ${attempt}`, address), 401);
      }
      const [first, second] = await Promise.all([
        logIn(email, 'another guess', nextClientAddress()),
        logIn(email, 'another guess', nextClientAddress()),
      ]);
      expect([first.status, second.status].sort()).toEqual([401, 429]);
      expectTooManyRequests(first.status === 429 ? first : second, 60);
    });
  });

  describe('registration limit', () => {
    it('answers 429 with Retry-After beyond 10 registrations from one address, and creates nothing for those', async () => {
      const emails = Array.from({ length: 12 }, () => freshEmail('burst'));
      const responses = await Promise.all(emails.map((email) => register({ email, password: PASSWORD })));
      expect(statusCounts(responses)).toEqual({ 201: 10, 429: 2 });
      for (const [index, response] of responses.entries()) {
        if (response.status !== 429) continue;
        expectTooManyRequests(response, 60 * 60);
        await expectNothingWritten(emails[index]!);
      }
      await register({ email: freshEmail(), password: PASSWORD }, nextClientAddress()).expect(201);
    });

    it('ignores X-Forwarded-For when no proxy is trusted, so a forged header buys no fresh allowance', async () => {
      const forwardedFor = (index: number) => `198.51.100.${index + 1}`;
      for (let index = 0; index < 10; index += 1) {
        await register({ email: freshEmail(), password: PASSWORD }).set('X-Forwarded-For', forwardedFor(index)).expect(201);
      }
      const email = freshEmail();
      expectTooManyRequests(await register({ email, password: PASSWORD }).set('X-Forwarded-For', forwardedFor(10)), 60 * 60);
      await expectNothingWritten(email);
    });
  });

  describe('GET /api/v1/auth/me', () => {
    it('answers 401 without a token', async () => {
      expectProblem(await me(), 401);
    });

    it('answers 401 for a token whose payload was tampered with', async () => {
      const email = freshEmail();
      await register({ email, password: PASSWORD }).expect(201);
      const { accessToken } = (await logIn(email, PASSWORD).expect(200)).body as { accessToken: string };
      const [header, payload, signature] = accessToken.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['admin', 'customer'] })).toString('base64url');
      expectProblem(await me(`Bearer ${header}.${forged}.${signature}`), 401);
      await me(`Bearer ${accessToken}`).expect(200);
    });

    it('answers 404 when the user of a valid token does not exist', async () => {
      expectProblem(await me(shop.bearer(['customer'], randomUUID())), 404);
      expectProblem(await me(shop.bearer(['customer'], 'not-a-uuid')), 404);
    });
  });

  describe('seeded admin', () => {
    const adminHash = async (email: string) => (await userRows(email)).map((row) => row.password_hash);

    it('logs in with ADMIN_EMAIL / ADMIN_PASSWORD and is an admin (and a customer)', async () => {
      const login = await logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);
      const profile = await me(`Bearer ${login.body.accessToken}`).expect(200);
      expect(profile.body).toEqual({
        id: expect.stringMatching(UUID),
        email: ADMIN_EMAIL,
        displayName: 'admin',
        roles: ['admin', 'customer'],
      });
    });

    it('is neither duplicated nor overwritten when another instance starts on the same database', async () => {
      const hashBefore = await adminHash(ADMIN_EMAIL);
      expect(hashBefore).toHaveLength(1);
      const second = await startOnSameDatabase({ ADMIN_EMAIL, ADMIN_PASSWORD: 'a different password' });
      try {
        expect(await adminHash(ADMIN_EMAIL)).toEqual(hashBefore);
        await logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);
      } finally {
        await second.close();
      }
    });

    it('generates a password when none is configured, prints it once, and survives two instances starting at once', async () => {
      const email = freshEmail('admin');
      const warnings = captureWarnings();
      const seededMessages = () =>
        warnings.messages.filter((message) => message.startsWith(`Seeded admin ${email} with generated password: `));
      try {
        const pair = await Promise.all([startOnSameDatabase({ ADMIN_EMAIL: email }), startOnSameDatabase({ ADMIN_EMAIL: email })]);
        await Promise.all(pair.map((app) => app.close()));
        expect(await userRows(email)).toHaveLength(1);
        expect(seededMessages()).toHaveLength(1);

        const password = seededMessages()[0].split(': ')[1];
        expect(password).toMatch(/^[\w-]{24}$/);
        const login = await logIn(email, password).expect(200);
        expect((await me(`Bearer ${login.body.accessToken}`).expect(200)).body.roles).toEqual(['admin', 'customer']);

        const third = await startOnSameDatabase({ ADMIN_EMAIL: email });
        await third.close();
        expect(seededMessages()).toHaveLength(1);
        expect(await userRows(email)).toHaveLength(1);
      } finally {
        warnings.restore();
      }
    });
  });
});
