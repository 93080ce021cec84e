import { Command } from '@nestjs/cqrs';
import type { UserProfile } from '../../user-profile.js';

export class RegisterUser extends Command<UserProfile> {
  constructor(
    readonly email: string,
    readonly password: string,
    readonly displayName: string | undefined,
    /** Where the registration comes from, for the per-address limit. */
    readonly clientAddress: string,
  ) {
    super();
  }
}
