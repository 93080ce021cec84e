import type { TokenService } from '@shop/platform';
import { EmailAddress } from '../../../domain/email-address.js';
import { InvalidCredentialsError, TooManyLoginAttemptsError } from '../../../domain/identity.errors.js';
import { User } from '../../../domain/user.js';
import type { LoginAttempt, LoginAttemptLimiter } from '../../ports/login-attempt-limiter.port.js';
import type { PasswordHasher } from '../../ports/password-hasher.port.js';
import type { UserRepository } from '../../ports/user.repository.port.js';
import { LogIn } from './log-in.command.js';
import { LogInHandler } from './log-in.handler.js';

/** Reversible on purpose: these tests are about the handler's decisions, not about hashing. */
class FakeHasher implements PasswordHasher {
  readonly verified: string[] = [];
  async hash(plain: string): Promise<string> {
    return `hashed:${plain}`;
  }
  async verify(plain: string, stored: string): Promise<boolean> {
    this.verified.push(stored);
    return stored === `hashed:${plain}`;
  }
}

class RecordingLimiter implements LoginAttemptLimiter {
  wait = 0;
  readonly events: string[] = [];
  retryAfterSeconds(): number {
    return this.wait;
  }
  recordFailure(attempt: LoginAttempt): void {
    this.events.push(`failure ${attempt.email} ${attempt.clientAddress}`);
  }
  recordSuccess(attempt: LoginAttempt): void {
    this.events.push(`success ${attempt.email} ${attempt.clientAddress}`);
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
};
const tokens = {
  issue: (user: { id: string; roles: string[] }) => ({
    accessToken: `token-for:${user.id}:${user.roles.join(',')}`,
    tokenType: 'Bearer',
    expiresIn: 3600,
  }),
} as unknown as TokenService;

describe('LogInHandler', () => {
  let hasher: FakeHasher;
  let limiter: RecordingLimiter;
  let handler: LogInHandler;

  beforeEach(() => {
    hasher = new FakeHasher();
    limiter = new RecordingLimiter();
    handler = new LogInHandler(users, hasher, limiter, tokens);
  });

  it("issues a token with the user's id and roles, and reports the success to the limiter", async () => {
    const token = await handler.execute(new LogIn('ANN@shop.test', 'right-password', '10.0.0.1'));
    expect(token).toEqual({ accessToken: 'token-for:user-1:customer', tokenType: 'Bearer', expiresIn: 3600 });
    expect(limiter.events).toEqual(['success ann@shop.test 10.0.0.1']);
  });

  it('rejects a wrong password and counts the failure under the normalized email', async () => {
    await expect(handler.execute(new LogIn('Ann@Shop.test', 'wrong-password', '10.0.0.1'))).rejects.toThrow(InvalidCredentialsError);
    expect(limiter.events).toEqual(['failure ann@shop.test 10.0.0.1']);
  });

  it('rejects an unknown email the same way, after checking the password against a dummy hash', async () => {
    await expect(handler.execute(new LogIn('nobody@shop.test', 'right-password', '10.0.0.1'))).rejects.toThrow(InvalidCredentialsError);
    expect(hasher.verified).toHaveLength(1);
    expect(hasher.verified[0]).not.toBe(ann.passwordHash);
    expect(limiter.events).toEqual(['failure nobody@shop.test 10.0.0.1']);
  });

  it('refuses without checking the password while the limiter says wait', async () => {
    limiter.wait = 42;
    const failure = handler.execute(new LogIn('ann@shop.test', 'right-password', '10.0.0.1'));
    await expect(failure).rejects.toThrow(TooManyLoginAttemptsError);
    await expect(failure).rejects.toMatchObject({ retryAfterSeconds: 42 });
    expect(hasher.verified).toEqual([]);
    expect(limiter.events).toEqual([]);
  });
});
