/** Business rules of identity, as named errors the API layer maps to HTTP problems. */
export abstract class IdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidEmailError extends IdentityError {
  constructor() {
    super('The email address is not valid.');
  }
}

export class InvalidDisplayNameError extends IdentityError {}

export class PasswordPolicyViolationError extends IdentityError {}

export class EmailAlreadyTakenError extends IdentityError {
  constructor() {
    super('An account with this email address already exists.');
  }
}

/** Deliberately the same for an unknown email and a wrong password, so the answer leaks neither. */
export class InvalidCredentialsError extends IdentityError {
  constructor() {
    super('The email address or password is wrong.');
  }
}

export class UserNotFoundError extends IdentityError {
  constructor(userId: string) {
    super(`User ${userId} not found.`);
  }
}

export class TooManyLoginAttemptsError extends IdentityError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed login attempts. Try again in ${retryAfterSeconds} second(s).`);
  }
}

export class TooManyRegistrationsError extends IdentityError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many registrations from this address. Try again in ${retryAfterSeconds} second(s).`);
  }
}

export class OwnAdminRoleError extends IdentityError {
  constructor() {
    super('An admin cannot take their own admin role away; another admin can.');
  }
}
