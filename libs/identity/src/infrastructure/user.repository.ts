import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { entityManagerOf, type Transaction, UnitOfWork } from '@shop/platform';
import type { UserRepository } from '../application/ports/user.repository.port.js';
import type { EmailAddress } from '../domain/email-address.js';
import type { User } from '../domain/user.js';
import { UserEntity } from './user.entity.js';
import { UserMapper } from './user.mapper.js';

@Injectable()
export class TypeOrmUserRepository implements UserRepository {
  constructor(private readonly uow: UnitOfWork) {}

  async findById(id: string): Promise<User | null> {
    // A token's subject is not necessarily a uuid; such a user simply does not exist here.
    if (!isUUID(id)) return null;
    const row = await this.uow.manager.findOne(UserEntity, { where: { id } });
    return row ? UserMapper.toDomain(row) : null;
  }

  async findByEmail(email: EmailAddress): Promise<User | null> {
    const row = await this.uow.manager.findOne(UserEntity, { where: { email: email.value } });
    return row ? UserMapper.toDomain(row) : null;
  }

  async insertIfEmailFree(tx: Transaction, user: User): Promise<boolean> {
    const row = UserMapper.toPersistence(user);
    // ON CONFLICT names the email only: any other violation (say, a duplicate id) still fails loudly.
    const inserted: unknown[] = await entityManagerOf(tx).query(
      `INSERT INTO identity.users (id, email, display_name, password_hash, roles, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (email) DO NOTHING
       RETURNING id`,
      [row.id, row.email, row.displayName, row.passwordHash, row.roles, row.createdAt],
    );
    return inserted.length === 1;
  }

  async updateRoles(tx: Transaction, user: User): Promise<void> {
    await entityManagerOf(tx).query('UPDATE identity.users SET roles = $2 WHERE id = $1', [user.id, user.roles]);
  }
}
