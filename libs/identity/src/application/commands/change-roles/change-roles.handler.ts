import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Role } from '@shop/contracts';
import { UnitOfWork } from '@shop/platform';
import { OwnAdminRoleError, UserNotFoundError } from '../../../domain/identity.errors.js';
import { USER_REPOSITORY } from '../../../identity.di-tokens.js';
import type { UserRepository } from '../../ports/user.repository.port.js';
import { toUserProfile, type UserProfile } from '../../user-profile.js';
import { ChangeRoles } from './change-roles.command.js';

/**
 * Replaces a user's roles. An admin cannot take their own admin role away (the shop would risk having
 * no admin left to give it back). Tokens already issued keep their roles until they expire.
 */
@CommandHandler(ChangeRoles)
export class ChangeRolesHandler implements ICommandHandler<ChangeRoles> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
  ) {}

  async execute(command: ChangeRoles): Promise<UserProfile> {
    const roles = [...new Set(command.roles)];
    if (command.userId === command.actorId && !roles.includes(Role.Admin)) throw new OwnAdminRoleError();
    return this.uow.run(async (tx) => {
      const user = await this.users.findById(command.userId);
      if (!user) throw new UserNotFoundError(command.userId);
      const changed = user.withRoles(roles);
      await this.users.updateRoles(tx, changed);
      return toUserProfile(changed);
    });
  }
}
