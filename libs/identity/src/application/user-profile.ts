import type { User } from '../domain/user.js';

/** What identity tells about a user: everything except the password hash. */
export interface UserProfile {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
}

export const toUserProfile = (user: User): UserProfile => ({
  id: user.id,
  email: user.email.value,
  displayName: user.displayName,
  roles: user.roles,
});
