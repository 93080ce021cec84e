/** Who is trying to log in: the account they name and the address they call from. */
export interface LoginAttempt {
  /** Normalized, so case variants share one count. */
  email: string;
  clientAddress: string;
}

/** Slows down password guessing by counting failed logins per account and per client address. */
export interface LoginAttemptLimiter {
  /** Whole seconds until this attempt may be made; 0 when it may be made now. */
  retryAfterSeconds(attempt: LoginAttempt): number;
  recordFailure(attempt: LoginAttempt): void;
  /** Clears the account's failures; the address keeps its count, so one good account cannot launder guesses at others. */
  recordSuccess(attempt: LoginAttempt): void;
}
