import { ProblemException, type ProblemMapper } from '@shop/platform';
import {
  EmailAlreadyTakenError,
  InvalidCredentialsError,
  InvalidDisplayNameError,
  InvalidEmailError,
  OwnAdminRoleError,
  PasswordPolicyViolationError,
  TooManyLoginAttemptsError,
  TooManyRegistrationsError,
  UserNotFoundError,
} from '../domain/identity.errors.js';

/** Identity's business errors as the HTTP problems of the contract. */
export const identityProblems: ProblemMapper = (error) => {
  if (error instanceof EmailAlreadyTakenError) return ProblemException.of(409, 'email-taken', error.message);
  if (error instanceof InvalidCredentialsError) return ProblemException.of(401, 'invalid-credentials', error.message);
  if (error instanceof TooManyLoginAttemptsError) {
    return ProblemException.of(429, 'too-many-login-attempts', error.message, {}, { 'Retry-After': String(error.retryAfterSeconds) });
  }
  if (error instanceof TooManyRegistrationsError) {
    return ProblemException.of(429, 'too-many-registrations', error.message, {}, { 'Retry-After': String(error.retryAfterSeconds) });
  }
  if (error instanceof OwnAdminRoleError) return ProblemException.of(409, 'own-admin-role', error.message);
  if (error instanceof UserNotFoundError) return ProblemException.of(404, 'user-not-found', error.message);
  // The DTOs catch these first; the domain keeps its own guard and the answer stays a 400.
  if (error instanceof InvalidEmailError || error instanceof PasswordPolicyViolationError || error instanceof InvalidDisplayNameError) {
    return ProblemException.of(400, 'invalid-user', error.message);
  }
  return undefined;
};
