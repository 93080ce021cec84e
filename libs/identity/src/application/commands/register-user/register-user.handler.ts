import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Role, UserRegisteredV1 } from '@shop/contracts';
import { UnitOfWork } from '@shop/platform';
import { EmailAddress } from '../../../domain/email-address.js';
import { EmailAlreadyTakenError, TooManyRegistrationsError } from '../../../domain/identity.errors.js';
import { PasswordPolicy } from '../../../domain/password-policy.js';
import { User } from '../../../domain/user.js';
import { PASSWORD_HASHER, REGISTRATION_LIMITER, USER_REPOSITORY } from '../../../identity.di-tokens.js';
import type { PasswordHasher } from '../../ports/password-hasher.port.js';
import type { RegistrationLimiter } from '../../ports/registration-limiter.port.js';
import type { UserRepository } from '../../ports/user.repository.port.js';
import { toUserProfile, type UserProfile } from '../../user-profile.js';
import { RegisterUser } from './register-user.command.js';

@CommandHandler(RegisterUser)
export class RegisterUserHandler implements ICommandHandler<RegisterUser> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @Inject(REGISTRATION_LIMITER) private readonly limiter: RegistrationLimiter,
  ) {}

  async execute(command: RegisterUser): Promise<UserProfile> {
    const email = EmailAddress.of(command.email);
    PasswordPolicy.assertAcceptable(command.password);
    // Counted after the input checks (bad input changes nothing) and before the costly hash; a taken email counts too.
    const admission = await this.limiter.admit(command.clientAddress);
    if (!admission.allowed) throw new TooManyRegistrationsError(admission.retryAfterSeconds);
    const user = User.register({
      id: randomUUID(),
      email,
      displayName: command.displayName,
      passwordHash: await this.hasher.hash(command.password),
      // Everyone who registers is a customer.
      roles: [Role.Customer],
      now: new Date(),
    });

    await this.uow.run(async (tx) => {
      if (!(await this.users.insertIfEmailFree(tx, user))) throw new EmailAlreadyTakenError();
      await tx.publish(UserRegisteredV1, { userId: user.id, email: user.email.value, displayName: user.displayName });
    });
    return toUserProfile(user);
  }
}
