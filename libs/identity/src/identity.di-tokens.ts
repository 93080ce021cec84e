export const USER_REPOSITORY = Symbol('UserRepository');
export const PASSWORD_HASHER = Symbol('PasswordHasher');
export const LOGIN_ATTEMPT_LIMITER = Symbol('LoginAttemptLimiter');
export const REGISTRATION_LIMITER = Symbol('RegistrationLimiter');
