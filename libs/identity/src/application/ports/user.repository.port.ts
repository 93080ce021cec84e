import type { Transaction } from '@shop/platform';
import type { EmailAddress } from '../../domain/email-address.js';
import type { User } from '../../domain/user.js';

export interface UserRepository {
  findById(id: string): Promise<User | null>;
  findByEmail(email: EmailAddress): Promise<User | null>;
  /**
   * Inserts the user in the caller's transaction unless the email is already taken, and says
   * whether it did. Decided by the unique index, so of two concurrent inserts exactly one wins.
   */
  insertIfEmailFree(tx: Transaction, user: User): Promise<boolean>;
  /** Writes the user's roles in the caller's transaction. */
  updateRoles(tx: Transaction, user: User): Promise<void>;
}
