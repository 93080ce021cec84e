import type { EmailAddress } from './email-address.js';
import { InvalidDisplayNameError } from './identity.errors.js';

export const DISPLAY_NAME_MAX_LENGTH = 100;

export interface UserState {
  id: string;
  email: EmailAddress;
  displayName: string;
  /** Opaque to the domain: produced and checked by the password hasher. Never the password itself. */
  passwordHash: string;
  /** The names of the roles the account holds (see Role in @shop/contracts); at least one. */
  roles: string[];
  createdAt: Date;
}

interface NewUser {
  id: string;
  email: EmailAddress;
  passwordHash: string;
  roles: readonly string[];
  now: Date;
}

/** A user account: who someone is (email), what they are called, and what they may do (roles). */
export class User {
  private constructor(private readonly state: UserState) {}

  /** A new account; without a display name, the email's local part stands in. */
  static register(input: NewUser & { displayName?: string }): User {
    if (input.roles.length === 0) throw new Error('An account holds at least one role.');
    return new User({
      id: input.id,
      email: input.email,
      displayName: resolveDisplayName(input.displayName, input.email),
      passwordHash: input.passwordHash,
      roles: [...input.roles],
      createdAt: input.now,
    });
  }

  static restore(state: UserState): User {
    return new User({ ...state, roles: [...state.roles] });
  }

  /** The same account holding these roles (at least one) instead. */
  withRoles(roles: readonly string[]): User {
    if (roles.length === 0) throw new Error('An account holds at least one role.');
    return new User({ ...this.state, roles: [...roles] });
  }

  get id(): string {
    return this.state.id;
  }

  get email(): EmailAddress {
    return this.state.email;
  }

  get displayName(): string {
    return this.state.displayName;
  }

  get passwordHash(): string {
    return this.state.passwordHash;
  }

  get roles(): string[] {
    return [...this.state.roles];
  }

  get createdAt(): Date {
    return this.state.createdAt;
  }
}

/** Trimmed, 1..100 characters; the email's local part (cut to fit) when none is given. */
function resolveDisplayName(given: string | undefined, email: EmailAddress): string {
  if (given === undefined) return email.localPart.slice(0, DISPLAY_NAME_MAX_LENGTH);
  const displayName = given.trim();
  if (displayName === '') throw new InvalidDisplayNameError('A display name must not be blank.');
  if (displayName.length > DISPLAY_NAME_MAX_LENGTH) {
    throw new InvalidDisplayNameError(`A display name may have at most ${DISPLAY_NAME_MAX_LENGTH} characters.`);
  }
  return displayName;
}
