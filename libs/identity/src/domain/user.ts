import type { EmailAddress } from './email-address.js';
import { InvalidDisplayNameError } from './identity.errors.js';

export type Role = 'customer' | 'admin';

export const DISPLAY_NAME_MAX_LENGTH = 100;

/** Everyone who registers is a customer. */
export const CUSTOMER_ROLES: readonly Role[] = ['customer'];
/** The seeded admin is also a customer, so the same account can place orders (e.g. to try the shop). */
export const ADMIN_ROLES: readonly Role[] = ['admin', 'customer'];

export interface UserState {
  id: string;
  email: EmailAddress;
  displayName: string;
  /** Opaque to the domain: produced and checked by the password hasher. Never the password itself. */
  passwordHash: string;
  roles: Role[];
  createdAt: Date;
}

interface NewUser {
  id: string;
  email: EmailAddress;
  passwordHash: string;
  now: Date;
}

/** A user account: who someone is (email), what they are called, and what they may do (roles). */
export class User {
  private constructor(private readonly state: UserState) {}

  /** A self-registered customer; without a display name, the email's local part stands in. */
  static register(input: NewUser & { displayName?: string }): User {
    return User.create(input, resolveDisplayName(input.displayName, input.email), CUSTOMER_ROLES);
  }

  /** The administrator seeded at start-up from configuration. */
  static seedAdmin(input: NewUser): User {
    return User.create(input, resolveDisplayName(undefined, input.email), ADMIN_ROLES);
  }

  static restore(state: UserState): User {
    return new User({ ...state, roles: [...state.roles] });
  }

  private static create(input: NewUser, displayName: string, roles: readonly Role[]): User {
    return new User({ id: input.id, email: input.email, displayName, passwordHash: input.passwordHash, roles: [...roles], createdAt: input.now });
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

  get roles(): Role[] {
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
