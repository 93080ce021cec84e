import { Command } from '@nestjs/cqrs';
import type { UserProfile } from '../../user-profile.js';

export class RegisterUser extends Command<UserProfile> {
  constructor(
    readonly email: string,
    readonly password: string,
    readonly displayName?: string,
  ) {
    super();
  }
}
