import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UserNotFoundError } from '../../../domain/identity.errors.js';
import { USER_REPOSITORY } from '../../../identity.di-tokens.js';
import type { UserRepository } from '../../ports/user.repository.port.js';
import { toUserProfile, type UserProfile } from '../../user-profile.js';
import { GetUser } from './get-user.query.js';

@QueryHandler(GetUser)
export class GetUserHandler implements IQueryHandler<GetUser> {
  constructor(@Inject(USER_REPOSITORY) private readonly users: UserRepository) {}

  async execute(query: GetUser): Promise<UserProfile> {
    const user = await this.users.findById(query.userId);
    if (!user) throw new UserNotFoundError(query.userId);
    return toUserProfile(user);
  }
}
