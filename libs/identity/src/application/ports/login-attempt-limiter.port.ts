/** Who is trying to log in: the account they name and the address they call from. */
export interface LoginAttempt {
  /** Normalized, so case variants share one count. */
  email: string;
  clientAddress: string;
}

/** A limiter's answer to an attempt: go on (it has been counted), or wait this many whole seconds. */
export type Admission = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Limits password guessing (ADR 0012). Every attempt is counted when it is admitted, before its
 * password is checked, so attempts sent in parallel cannot slip past the count while the check runs.
 */
export interface LoginAttemptLimiter {
  /** Counts the attempt and says whether its password may be checked now. */
  admit(attempt: LoginAttempt): Promise<Admission>;
  /** The password was right: gives back what the policy forgives a success (never strangers' failures). */
  succeeded(attempt: LoginAttempt): Promise<void>;
}
