import { Query } from '@nestjs/cqrs';
import type { UserProfile } from '../../user-profile.js';

export class GetUser extends Query<UserProfile> {
  constructor(readonly userId: string) {
    super();
  }
}
