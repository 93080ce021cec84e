import { randomBytes } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TokenService } from '@shop/platform';
import { EmailAddress } from '../../../domain/email-address.js';
import { InvalidCredentialsError, TooManyLoginAttemptsError } from '../../../domain/identity.errors.js';
import { LOGIN_ATTEMPT_LIMITER, PASSWORD_HASHER, USER_REPOSITORY } from '../../../identity.di-tokens.js';
import type { LoginAttemptLimiter } from '../../ports/login-attempt-limiter.port.js';
import type { PasswordHasher } from '../../ports/password-hasher.port.js';
import type { UserRepository } from '../../ports/user.repository.port.js';
import { LogIn, type AccessToken } from './log-in.command.js';

@CommandHandler(LogIn)
export class LogInHandler implements ICommandHandler<LogIn> {
  /** Checked against when the email is unknown, so that answer takes as long as a wrong password. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @Inject(LOGIN_ATTEMPT_LIMITER) private readonly limiter: LoginAttemptLimiter,
    private readonly tokens: TokenService,
  ) {}

  async execute(command: LogIn): Promise<AccessToken> {
    const email = EmailAddress.of(command.email);
    const attempt = { email: email.value, clientAddress: command.clientAddress };
    // Counted before the (slow) password check: parallel attempts cannot all pass while the others are still being checked.
    const admission = await this.limiter.admit(attempt);
    if (!admission.allowed) throw new TooManyLoginAttemptsError(admission.retryAfterSeconds);

    const user = await this.users.findByEmail(email);
    const passwordMatches = await this.hasher.verify(command.password, user?.passwordHash ?? (await this.hashOfNothing()));
    if (!user || !passwordMatches) throw new InvalidCredentialsError();
    await this.limiter.succeeded(attempt);
    return this.tokens.issue({ id: user.id, roles: user.roles });
  }

  private hashOfNothing(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(randomBytes(32).toString('base64url'));
    return this.dummyHash;
  }
}
