import { EmailAddress } from '../domain/email-address.js';
import { User } from '../domain/user.js';
import { UserEntity } from './user.entity.js';

export const UserMapper = {
  toDomain(row: UserEntity): User {
    return User.restore({
      id: row.id,
      email: EmailAddress.of(row.email),
      displayName: row.displayName,
      passwordHash: row.passwordHash,
      roles: row.roles,
      createdAt: new Date(row.createdAt),
    });
  },

  toPersistence(user: User): UserEntity {
    return Object.assign(new UserEntity(), {
      id: user.id,
      email: user.email.value,
      displayName: user.displayName,
      passwordHash: user.passwordHash,
      roles: user.roles,
      createdAt: user.createdAt,
    });
  },
};
