import type { UnitOfWork } from '@shop/platform';
import { PasswordPolicyViolationError, TooManyRegistrationsError } from '../../../domain/identity.errors.js';
import type { Admission } from '../../ports/login-attempt-limiter.port.js';
import type { PasswordHasher } from '../../ports/password-hasher.port.js';
import type { RegistrationLimiter } from '../../ports/registration-limiter.port.js';
import type { UserRepository } from '../../ports/user.repository.port.js';
import { RegisterUser } from './register-user.command.js';
import { RegisterUserHandler } from './register-user.handler.js';

describe('RegisterUserHandler', () => {
  let log: string[];
  let admission: Admission;
  let handler: RegisterUserHandler;

  beforeEach(() => {
    log = [];
    admission = { allowed: true };
    const limiter: RegistrationLimiter = {
      admit: async (clientAddress) => {
        log.push(`admit ${clientAddress}`);
        return admission;
      },
    };
    const hasher: PasswordHasher = {
      hash: async (plain) => {
        log.push('hash');
        return `hashed:${plain}`;
      },
      verify: async () => false,
    };
    const users: UserRepository = {
      findById: async () => null,
      findByEmail: async () => null,
      insertIfEmailFree: async (_tx, user) => {
        log.push(`insert ${user.email.value}`);
        return true;
      },
      updateRoles: async () => undefined,
    };
    const uow = { run: (work: (tx: unknown) => Promise<unknown>) => work({ publish: async () => log.push('publish') }) };
    handler = new RegisterUserHandler(uow as unknown as UnitOfWork, users, hasher, limiter);
  });

  it('counts the registration against its address before hashing the password', async () => {
    await handler.execute(new RegisterUser('ann@shop.test', 'correct horse battery', undefined, '203.0.113.1'));
    expect(log).toEqual(['admit 203.0.113.1', 'hash', 'insert ann@shop.test', 'publish']);
  });

  it('refuses with the wait when the limiter says so, and hashes and writes nothing', async () => {
    admission = { allowed: false, retryAfterSeconds: 1200 };
    const refused = handler.execute(new RegisterUser('ann@shop.test', 'correct horse battery', undefined, '203.0.113.1'));
    await expect(refused).rejects.toThrow(TooManyRegistrationsError);
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 1200 });
    expect(log).toEqual(['admit 203.0.113.1']);
  });

  it('does not count bad input', async () => {
    await expect(handler.execute(new RegisterUser('ann@shop.test', 'short', undefined, '203.0.113.1'))).rejects.toThrow(
      PasswordPolicyViolationError,
    );
    expect(log).toEqual([]);
  });
});
