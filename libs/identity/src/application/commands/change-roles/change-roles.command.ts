import { Command } from '@nestjs/cqrs';
import type { UserProfile } from '../../user-profile.js';

/** An admin sets the roles a user holds (all of them: the list replaces the old one). */
export class ChangeRoles extends Command<UserProfile> {
  constructor(
    readonly userId: string,
    readonly roles: string[],
    /** The admin asking. */
    readonly actorId: string,
  ) {
    super();
  }
}
