import { PasswordPolicyViolationError } from './identity.errors.js';

/**
 * What a password must be to be accepted. The upper bound keeps a single hash cheap enough that
 * nobody can tie up the server with megabyte-long passwords.
 */
export const PasswordPolicy = {
  MIN_LENGTH: 8,
  MAX_LENGTH: 128,

  assertAcceptable(plain: string): void {
    if (plain.length < PasswordPolicy.MIN_LENGTH) {
      throw new PasswordPolicyViolationError(`A password needs at least ${PasswordPolicy.MIN_LENGTH} characters.`);
    }
    if (plain.length > PasswordPolicy.MAX_LENGTH) {
      throw new PasswordPolicyViolationError(`A password may have at most ${PasswordPolicy.MAX_LENGTH} characters.`);
    }
  },
} as const;
