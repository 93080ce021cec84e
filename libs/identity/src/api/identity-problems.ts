import { ProblemException } from '@shop/platform';
import {
  EmailAlreadyTakenError,
  InvalidCredentialsError,
  InvalidDisplayNameError,
  InvalidEmailError,
  PasswordPolicyViolationError,
  TooManyLoginAttemptsError,
  UserNotFoundError,
} from '../domain/identity.errors.js';

/** Rethrows identity's business errors as the HTTP problems of the contract; anything else passes through. */
export function throwAsProblem(error: unknown): never {
  if (error instanceof EmailAlreadyTakenError) throw ProblemException.of(409, 'email-taken', error.message);
  if (error instanceof InvalidCredentialsError) throw ProblemException.of(401, 'invalid-credentials', error.message);
  if (error instanceof TooManyLoginAttemptsError) {
    throw ProblemException.of(429, 'too-many-login-attempts', error.message, {}, { 'Retry-After': String(error.retryAfterSeconds) });
  }
  if (error instanceof UserNotFoundError) throw ProblemException.of(404, 'user-not-found', error.message);
  // The DTOs catch these first; the domain keeps its own guard and the answer stays a 400.
  if (error instanceof InvalidEmailError || error instanceof PasswordPolicyViolationError || error instanceof InvalidDisplayNameError) {
    throw ProblemException.of(400, 'invalid-user', error.message);
  }
  throw error;
}
