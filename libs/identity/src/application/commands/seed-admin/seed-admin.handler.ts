import { randomBytes, randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Role, UserRegisteredV1 } from '@shop/contracts';
import { UnitOfWork } from '@shop/platform';
import { EmailAddress } from '../../../domain/email-address.js';
import { PasswordPolicy } from '../../../domain/password-policy.js';
import { User } from '../../../domain/user.js';
import { PASSWORD_HASHER, USER_REPOSITORY } from '../../../identity.di-tokens.js';
import type { PasswordHasher } from '../../ports/password-hasher.port.js';
import type { UserRepository } from '../../ports/user.repository.port.js';
import { SeedAdmin, type SeedAdminResult } from './seed-admin.command.js';

/** 18 random bytes: 24 base64url characters, 144 bits. */
const generatePassword = (): string => randomBytes(18).toString('base64url');

/**
 * Creates the configured admin unless an account with that email exists; an existing account is
 * never touched (not even its password), so restarts and concurrent instances are harmless.
 */
@CommandHandler(SeedAdmin)
export class SeedAdminHandler implements ICommandHandler<SeedAdmin> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
  ) {}

  async execute(command: SeedAdmin): Promise<SeedAdminResult> {
    const email = EmailAddress.of(command.email);
    // Cheap check first: most starts find the admin and should not pay for a hash.
    if (await this.users.findByEmail(email)) return { created: false };

    const password = command.password ?? generatePassword();
    PasswordPolicy.assertAcceptable(password);
    // The admin is also a customer, so the same account can place orders (e.g. to try the shop).
    const admin = User.register({
      id: randomUUID(),
      email,
      passwordHash: await this.hasher.hash(password),
      roles: [Role.Admin, Role.Customer],
      now: new Date(),
    });

    const created = await this.uow.run(async (tx) => {
      // Another instance may have won the race since the check above; then this one does nothing.
      if (!(await this.users.insertIfEmailFree(tx, admin))) return false;
      await tx.publish(UserRegisteredV1, { userId: admin.id, email: admin.email.value, displayName: admin.displayName });
      return true;
    });
    return created
      ? { created: true, email: email.value, generatedPassword: command.password === undefined ? password : undefined }
      : { created: false };
  }
}
