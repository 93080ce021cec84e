import type { TokenService } from '@shop/platform';
import { EmailAddress } from '../../../domain/email-address.js';
import { InvalidCredentialsError, TooManyLoginAttemptsError } from '../../../domain/identity.errors.js';
import { User } from '../../../domain/user.js';
import type { Admission, LoginAttempt, LoginAttemptLimiter } from '../../ports/login-attempt-limiter.port.js';
import type { PasswordHasher } from '../../ports/password-hasher.port.js';
import type { UserRepository } from '../../ports/user.repository.port.js';
import { LogIn } from './log-in.command.js';
import { LogInHandler } from './log-in.handler.js';

/** What the handler asked of the hasher and the limiter, in order. */
type Log = string[];

/** Reversible on purpose: these tests are about the handler's decisions, not about hashing. */
class FakeHasher implements PasswordHasher {
  readonly verified: string[] = [];
  constructor(private readonly log: Log) {}
  async hash(plain: string): Promise<string> {
    return `hashed:${plain}`;
  }
  async verify(plain: string, stored: string): Promise<boolean> {
    this.verified.push(stored);
    this.log.push('verify');
    return stored === `hashed:${plain}`;
  }
}

class RecordingLimiter implements LoginAttemptLimiter {
  admission: Admission = { allowed: true };
  constructor(private readonly log: Log) {}
  async admit(attempt: LoginAttempt): Promise<Admission> {
    this.log.push(`admit ${attempt.email} ${attempt.clientAddress}`);
    return this.admission;
  }
  async succeeded(attempt: LoginAttempt): Promise<void> {
    this.log.push(`success ${attempt.email} ${attempt.clientAddress}`);
  }
}

const ann = User.register({
  id: 'user-1',
  email: EmailAddress.of('ann@shop.test'),
  passwordHash: 'hashed:right-password',
  roles: ['customer'],
  now: new Date(),
});
const users: UserRepository = {
  findById: async () => null,
  findByEmail: async (email) => (email.equals(ann.email) ? ann : null),
  insertIfEmailFree: async () => true,
  updateRoles: async () => undefined,
};
const tokens = {
  issue: (user: { id: string; roles: string[] }) => ({
    accessToken: `token-for:${user.id}:${user.roles.join(',')}`,
    tokenType: 'Bearer',
    expiresIn: 3600,
  }),
} as unknown as TokenService;

describe('LogInHandler', () => {
  let log: Log;
  let hasher: FakeHasher;
  let limiter: RecordingLimiter;
  let handler: LogInHandler;

  beforeEach(() => {
    log = [];
    hasher = new FakeHasher(log);
    limiter = new RecordingLimiter(log);
    handler = new LogInHandler(users, hasher, limiter, tokens);
  });

  it("issues a token with the user's id and roles, and reports the success to the limiter after counting the attempt", async () => {
    const token = await handler.execute(new LogIn('ANN@shop.test', 'right-password', '10.0.0.1'));
    expect(token).toEqual({ accessToken: 'token-for:user-1:customer', tokenType: 'Bearer', expiresIn: 3600 });
    expect(log).toEqual(['admit ann@shop.test 10.0.0.1', 'verify', 'success ann@shop.test 10.0.0.1']);
  });

  it('counts a wrong password under the normalized email before checking it, and gives nothing back', async () => {
    await expect(handler.execute(new LogIn('Ann@Shop.test', 'wrong-password', '10.0.0.1'))).rejects.toThrow(InvalidCredentialsError);
    expect(log).toEqual(['admit ann@shop.test 10.0.0.1', 'verify']);
  });

  it('rejects an unknown email the same way, after checking the password against a dummy hash', async () => {
    await expect(handler.execute(new LogIn('nobody@shop.test', 'right-password', '10.0.0.1'))).rejects.toThrow(InvalidCredentialsError);
    expect(hasher.verified).toHaveLength(1);
    expect(hasher.verified[0]).not.toBe(ann.passwordHash);
    expect(log).toEqual(['admit nobody@shop.test 10.0.0.1', 'verify']);
  });

  it('refuses without checking the password when the limiter says wait', async () => {
    limiter.admission = { allowed: false, retryAfterSeconds: 42 };
    const failure = handler.execute(new LogIn('ann@shop.test', 'right-password', '10.0.0.1'));
    await expect(failure).rejects.toThrow(TooManyLoginAttemptsError);
    await expect(failure).rejects.toMatchObject({ retryAfterSeconds: 42 });
    expect(log).toEqual(['admit ann@shop.test 10.0.0.1']);
  });
});
