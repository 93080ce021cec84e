import type { Admission } from './login-attempt-limiter.port.js';

/** Limits how many accounts one client address may register (ADR 0012). */
export interface RegistrationLimiter {
  /** Counts a registration from this address, before any work is done for it, and says whether it may go on. */
  admit(clientAddress: string): Promise<Admission>;
}
